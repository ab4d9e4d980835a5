// A runtime worker's copy of the main process's routing table: the direct data plane looks functions up here,
// kept current by the main process's broadcasts of every route change.
import type { VersionSpec } from "@skiff/runtime";

/**
 * @example
 * const routes = new RouteMirror(snapshot.routes);
 * routes.set("default", "hello", null); // deleted
 * routes.get("default", "hello"); // → undefined
 */
export class RouteMirror {
  readonly #tenants = new Map<string, Map<string, VersionSpec>>();

  constructor(routes: Iterable<VersionSpec> = []) {
    for (const version of routes) this.set(version.tenant, version.functionName, version);
  }

  get(tenant: string, functionName: string): VersionSpec | undefined {
    return this.#tenants.get(tenant)?.get(functionName);
  }

  /** The version that now serves the function, or null once it is deleted. */
  set(tenant: string, functionName: string, version: VersionSpec | null): void {
    let functions = this.#tenants.get(tenant);
    if (version === null) {
      functions?.delete(functionName);
      if (functions?.size === 0) this.#tenants.delete(tenant);
      return;
    }
    if (functions === undefined) {
      functions = new Map();
      this.#tenants.set(tenant, functions);
    }
    functions.set(functionName, version);
  }
}
