// Code bundles kept in the main process, so that a cold start does not wait for the blob file to be read and
// parsed: the bundle of a version just deployed (or active at start) is loaded ahead, off the request path.
// Keyed by content hash, so an entry is never stale; bounded by bytes, least recently used out first.
import type { CodeBundle } from "@skiff/core";

/** Bundle bytes kept in memory by default. */
export const CODE_CACHE_BYTES = 64 * 1024 * 1024;
/** Preloading at start fills at most this share, leaving room for what is deployed and called next. */
const PRELOAD_SHARE = 0.75;

export interface LoadedBundle {
  bundle: CodeBundle;
  /** What it weighs in the cache (its blob's size). */
  bytes: number;
}

export interface CodeBundleCacheOptions {
  /** Reads and parses one blob. */
  load: (codeHash: string) => Promise<LoadedBundle>;
  maxBytes?: number;
}

export class CodeBundleCache {
  readonly #load: CodeBundleCacheOptions["load"];
  readonly #maxBytes: number;
  /** Map order is recency: the first entry is the least recently used. */
  readonly #entries = new Map<string, LoadedBundle>();
  /** Loads under way, shared by everyone asking for the same bundle meanwhile. */
  readonly #loading = new Map<string, Promise<LoadedBundle>>();
  #bytes = 0;

  constructor(options: CodeBundleCacheOptions) {
    this.#load = options.load;
    this.#maxBytes = options.maxBytes ?? CODE_CACHE_BYTES;
  }

  /** The bundle of `codeHash`, from memory when it is there. */
  async get(codeHash: string): Promise<CodeBundle> {
    const hit = this.#entries.get(codeHash);
    if (hit !== undefined) {
      this.#entries.delete(codeHash);
      this.#entries.set(codeHash, hit);
      return hit.bundle;
    }
    return (await this.#loadOnce(codeHash)).bundle;
  }

  /**
   * Loads a bundle ahead of its first use (a version just deployed), pushing out the least recently used if
   * needed. A failure is left for `get` to report.
   */
  prefetch(codeHash: string): void {
    if (this.#entries.has(codeHash) || this.#loading.has(codeHash)) return;
    this.#loadOnce(codeHash).catch(() => {});
  }

  /** Loads bundles one after the other (the active versions at start) until the cache is full. */
  async preload(codeHashes: Iterable<string>): Promise<void> {
    for (const codeHash of codeHashes) {
      if (this.#bytes >= this.#maxBytes * PRELOAD_SHARE) return;
      if (this.#entries.has(codeHash)) continue;
      await this.#loadOnce(codeHash).catch(() => {});
    }
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.#bytes;
  }

  #loadOnce(codeHash: string): Promise<LoadedBundle> {
    let loading = this.#loading.get(codeHash);
    if (loading === undefined) {
      loading = this.#load(codeHash).then(
        (loaded) => {
          this.#loading.delete(codeHash);
          this.#remember(codeHash, loaded);
          return loaded;
        },
        (error: unknown) => {
          this.#loading.delete(codeHash);
          throw error;
        },
      );
      this.#loading.set(codeHash, loading);
    }
    return loading;
  }

  #remember(codeHash: string, loaded: LoadedBundle): void {
    // A bundle larger than the whole cache is served, never kept.
    if (loaded.bytes > this.#maxBytes || this.#entries.has(codeHash)) return;
    this.#entries.set(codeHash, loaded);
    this.#bytes += loaded.bytes;
    for (const [hash, entry] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(hash);
      this.#bytes -= entry.bytes;
    }
  }
}
