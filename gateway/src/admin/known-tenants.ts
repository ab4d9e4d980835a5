// Tenants found to exist, remembered (bounded) so that a busy client costs no tenant lookup per request:
// tenants are never deleted, so a tenant once found stays found.
import { assertValidName, SkiffError } from "@skiff/core";
import type { TenantRepository } from "@skiff/storage";

/** Tenants remembered as existing; past this many, the rest are looked up on each request. */
const MAX_KNOWN_TENANTS = 10_000;

export class KnownTenants {
  readonly #tenants: Pick<TenantRepository, "get">;
  readonly #known = new Set<string>();

  constructor(tenants: Pick<TenantRepository, "get">) {
    this.#tenants = tenants;
  }

  /** Resolves when `tenant` exists; INVALID_NAME for a malformed name, TENANT_NOT_FOUND for an unknown one. */
  async require(tenant: string): Promise<void> {
    if (this.#known.has(tenant)) return;
    assertValidName("tenant", tenant);
    if ((await this.#tenants.get(tenant)) === undefined) {
      throw new SkiffError("TENANT_NOT_FOUND", `tenant "${tenant}" does not exist`);
    }
    if (this.#known.size < MAX_KNOWN_TENANTS) this.#known.add(tenant);
  }
}
