// The maxStoredBytes quota, checked before every write of a bucket object or KV value the gateway serves.
import { SkiffError, type TenantQuotas } from "@skiff/core";
import type { UsageRepository } from "@skiff/storage";

/** Bytes already stored that a write replaces (an overwritten object): a number, or how to find it out. */
export type Replacing = number | (() => Promise<number>);

/**
 * Reads the tenant's stored bytes (one indexed row kept exact by storage, see migration 008) only for tenants
 * that have a `maxStoredBytes` quota; writes of everyone else cost nothing. Concurrent writes of one tenant may
 * each pass a check the sum of them would fail: the quota is exact for writes in sequence, and can be overshot
 * by at most the writes in flight at once.
 */
export class StoredBytesGuard {
  constructor(
    private readonly usage: Pick<UsageRepository, "storedBytes">,
    private readonly quotas: { quotas(tenant: string): Pick<TenantQuotas, "maxStoredBytes"> },
  ) {}

  /**
   * Bytes the tenant may still add (never negative), or undefined when it has no quota; `replacing` is asked
   * for only when there is one.
   */
  async room(tenant: string, replacing: Replacing = 0): Promise<number | undefined> {
    const limit = this.quotas.quotas(tenant).maxStoredBytes;
    if (limit === null) return undefined;
    const used = await this.usage.storedBytes(tenant);
    const freed = typeof replacing === "number" ? replacing : await replacing();
    return Math.max(0, limit - used + freed);
  }

  /**
   * Throws `QUOTA_EXCEEDED` if `bytes` more (replacing `replacing` bytes already stored, e.g. the object being
   * overwritten) would pass the tenant's quota. Either may be a lookup, made only when the tenant has a quota.
   */
  async assertRoom(
    tenant: string,
    bytes: number | (() => Promise<number>),
    replacing: Replacing = 0,
  ): Promise<void> {
    const room = await this.room(tenant, replacing);
    if (room === undefined) return;
    const adding = typeof bytes === "number" ? bytes : await bytes();
    if (adding > room) throw await this.#exceeded(tenant, adding);
  }

  /**
   * Runs a streamed write with its byte limit lowered to the room the tenant has left: a body that outgrows it
   * is refused while it streams, and its `PAYLOAD_TOO_LARGE` becomes `QUOTA_EXCEEDED`.
   *
   * @example
   * const replacing = async () => (await storage.objects.head(tenant, bucket, key))?.size ?? 0;
   * await guard.write(tenant, maxObjectBytes, replacing, (maxBytes) =>
   *   storage.objects.put(tenant, bucket, key, { body, maxBytes }, context));
   */
  async write<T>(
    tenant: string,
    maxBytes: number,
    replacing: Replacing,
    write: (maxBytes: number) => Promise<T>,
  ): Promise<T> {
    const room = await this.room(tenant, replacing);
    if (room === undefined || room >= maxBytes) return write(maxBytes);
    try {
      return await write(room);
    } catch (error) {
      if (error instanceof SkiffError && error.code === "PAYLOAD_TOO_LARGE") {
        throw await this.#exceeded(tenant, undefined, error);
      }
      throw error;
    }
  }

  async #exceeded(tenant: string, bytes: number | undefined, cause?: unknown): Promise<SkiffError> {
    const limit = this.quotas.quotas(tenant).maxStoredBytes as number;
    const used = await this.usage.storedBytes(tenant);
    const adding = bytes === undefined ? "this write" : `${bytes} more bytes`;
    return new SkiffError(
      "QUOTA_EXCEEDED",
      `tenant "${tenant}" stores ${used} bytes and its quota maxStoredBytes is ${limit}: ${adding} would pass it; delete objects or KV values, or ask the operator to raise the quota`,
      { details: { quota: "maxStoredBytes", limit, used }, cause },
    );
  }
}
