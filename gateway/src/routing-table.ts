// The in-memory map from tenant and function name to the version that serves it: the data plane reads only this.
import type { VersionSpec } from "@skiff/runtime";
import type { ActiveDeployment } from "@skiff/storage";

/** The runtime's view of a stored active deployment, with the function's decrypted secrets. */
export function versionSpecOf(deployment: ActiveDeployment): VersionSpec {
  const { version } = deployment;
  return {
    id: version.id,
    tenant: deployment.tenant,
    functionName: deployment.functionName,
    number: version.number,
    codeHash: version.codeHash,
    config: version.config,
    secrets: { ...deployment.secrets },
  };
}

/**
 * Which version serves each function, with its secrets. Built once from storage at start and updated by the
 * admin API after each deploy, rollback, delete and secret change, so that no request on the data plane queries
 * the database.
 *
 * @example
 * const routes = new RoutingTable(await storage.functions.listActive());
 * routes.get("default", "hello"); // → VersionSpec | undefined
 */
/**
 * Told about every change of a function's route: its new version, or undefined once it is deleted. A listener
 * that applies changes elsewhere (the direct data plane's runtime workers) returns a promise that settles once
 * this change and every earlier one are applied there; `followed()` waits for it.
 */
export type RouteListener = (
  tenant: string,
  functionName: string,
  version: VersionSpec | undefined,
) => void | Promise<void>;

export interface RoutingTableOptions {
  /** The tenant's policy on `eval` / `new Function` (its quotas), set on every version spec; default allowed. */
  allowCodeGeneration?: (tenant: string) => boolean;
}

export class RoutingTable {
  readonly #tenants = new Map<string, Map<string, VersionSpec>>();
  readonly #listeners: RouteListener[] = [];
  readonly #allowCodeGeneration: (tenant: string) => boolean;
  /** Settles once the listeners have applied the latest change, and so every earlier one (RouteListener). */
  #following: Promise<void> = Promise.resolve();

  /** Calls `listener` after each set, secret change and delete (the scheduler follows active versions so). */
  onChange(listener: RouteListener): void {
    this.#listeners.push(listener);
  }

  /**
   * Resolves once every listener has applied every change made so far, or given up waiting (the direct data
   * plane's listener waits at most ROUTE_FOLLOW_MS). The admin API answers a deploy, rollback, delete or secret
   * change only then, so that the function is served as changed on every port once the call returns (the main
   * port reads this table itself; the direct data plane's workers hold a copy).
   */
  followed(): Promise<void> {
    return this.#following;
  }

  #changed(tenant: string, functionName: string, version: VersionSpec | undefined): void {
    const following: Promise<void>[] = [];
    for (const listener of this.#listeners) {
      const applied = listener(tenant, functionName, version);
      if (applied instanceof Promise) following.push(applied);
    }
    // A listener's failure is its own to report: waiting for it must not fail a deploy already stored.
    if (following.length > 0) this.#following = Promise.allSettled(following).then(() => undefined);
  }

  constructor(deployments: Iterable<ActiveDeployment> = [], options: RoutingTableOptions = {}) {
    this.#allowCodeGeneration = options.allowCodeGeneration ?? (() => true);
    for (const deployment of deployments) this.set(deployment);
  }

  get(tenant: string, functionName: string): VersionSpec | undefined {
    return this.#tenants.get(tenant)?.get(functionName);
  }

  /** Routes the function to this deployment's version; returns the version it replaces, if any. */
  set(deployment: ActiveDeployment): VersionSpec | undefined {
    let functions = this.#tenants.get(deployment.tenant);
    if (functions === undefined) {
      functions = new Map();
      this.#tenants.set(deployment.tenant, functions);
    }
    const previous = functions.get(deployment.functionName);
    const spec = {
      ...versionSpecOf(deployment),
      allowCodeGeneration: this.#allowCodeGeneration(deployment.tenant),
    };
    functions.set(deployment.functionName, spec);
    this.#changed(deployment.tenant, deployment.functionName, spec);
    return previous;
  }

  /**
   * Gives the function's routed version new secrets (a secret was set or deleted); returns the updated spec, or
   * undefined if the function is not routed. The spec is replaced, never changed in place: an invocation that
   * already holds the old one keeps a consistent view.
   */
  setSecrets(tenant: string, functionName: string, secrets: Record<string, string>): VersionSpec | undefined {
    const functions = this.#tenants.get(tenant);
    const current = functions?.get(functionName);
    if (functions === undefined || current === undefined) return undefined;
    const updated = { ...current, secrets: { ...secrets } };
    functions.set(functionName, updated);
    this.#changed(tenant, functionName, updated);
    return updated;
  }

  /**
   * Gives the tenant's routed versions its current code-generation policy (the operator changed it); returns
   * the specs it replaced, whose isolates were made under the old policy and must be evicted.
   */
  refreshPolicy(tenant: string): VersionSpec[] {
    const functions = this.#tenants.get(tenant);
    if (functions === undefined) return [];
    const allowCodeGeneration = this.#allowCodeGeneration(tenant);
    const replaced: VersionSpec[] = [];
    for (const [functionName, current] of functions) {
      if (current.allowCodeGeneration === allowCodeGeneration) continue;
      const updated = { ...current, allowCodeGeneration };
      functions.set(functionName, updated);
      replaced.push(current);
      this.#changed(tenant, functionName, updated);
    }
    return replaced;
  }

  /** Stops routing to the function; returns the version it served, if any. */
  delete(tenant: string, functionName: string): VersionSpec | undefined {
    const functions = this.#tenants.get(tenant);
    const previous = functions?.get(functionName);
    if (functions === undefined || previous === undefined) return undefined;
    functions.delete(functionName);
    if (functions.size === 0) this.#tenants.delete(tenant);
    this.#changed(tenant, functionName, undefined);
    return previous;
  }

  /** Replaces every route at once (a refresh from storage). */
  replaceAll(deployments: Iterable<ActiveDeployment>): void {
    this.#tenants.clear();
    for (const deployment of deployments) this.set(deployment);
  }

  /** Number of routed functions. */
  get size(): number {
    let count = 0;
    for (const functions of this.#tenants.values()) count += functions.size;
    return count;
  }

  *entries(): IterableIterator<VersionSpec> {
    for (const functions of this.#tenants.values()) yield* functions.values();
  }
}
