// Tenant API keys found recently, so that a busy client does not cost a SQLite lookup per request. A key
// revoked through this process is forgotten at once; one revoked by another process sharing the database
// (DESIGN §9) stops working within the time to live.
import type { ApiKeyRecord, ApiKeyRepository } from "@skiff/storage";

/** How long a found key is trusted without asking storage again. */
export const KEY_CACHE_TTL_MS = 5_000;
/** Keys remembered at most; past it the oldest entry goes first. */
const MAX_KEYS = 10_000;

export interface KeyLookupCacheOptions {
  ttlMs?: number;
  maxKeys?: number;
  now: () => number;
}

export class KeyLookupCache {
  readonly #ttlMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  /** By the key's SHA-256 hex; only live keys (an unknown key is looked up every time, never remembered). */
  readonly #found = new Map<string, { record: ApiKeyRecord; until: number }>();

  constructor(options: KeyLookupCacheOptions) {
    this.#ttlMs = options.ttlMs ?? KEY_CACHE_TTL_MS;
    this.#maxKeys = options.maxKeys ?? MAX_KEYS;
    this.#now = options.now;
  }

  /** `repository.findByHash`, answered from memory while the last answer is fresh. */
  async find(repository: ApiKeyRepository, hash: string): Promise<ApiKeyRecord | undefined> {
    const now = this.#now();
    const hit = this.#found.get(hash);
    if (hit !== undefined && hit.until > now) return hit.record;
    this.#found.delete(hash);
    const record = await repository.findByHash(hash);
    if (record === undefined) return undefined;
    if (this.#found.size >= this.#maxKeys) {
      const oldest = this.#found.keys().next().value;
      if (oldest !== undefined) this.#found.delete(oldest);
    }
    this.#found.set(hash, { record, until: now + this.#ttlMs });
    return record;
  }

  /** The key was revoked: the next request with it is looked up (and refused). */
  forget(keyId: string): void {
    for (const [hash, entry] of this.#found) if (entry.record.id === keyId) this.#found.delete(hash);
  }
}
