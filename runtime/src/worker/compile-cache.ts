// V8 code caches for tenant modules, made here from code we compiled (never accepted from tenants), kept in
// memory and on disk so that a cold start after eviction or a restart does not compile from scratch. Writing
// the file waits until the cold start that made the cache is over: its caller should not pay for the disk.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import ivm from "isolated-vm";

export class CompileCache {
  readonly #dir: string | undefined;
  readonly #maxEntries: number;
  readonly #memory = new Map<string, ivm.ExternalCopy<ArrayBuffer>>();
  /** Disk writes not finished yet. */
  readonly #writes = new Set<Promise<void>>();
  #writeCount = 0;

  /** `dir` absent: memory only. */
  constructor(options: { dir?: string; maxEntries?: number } = {}) {
    this.#dir = options.dir;
    this.#maxEntries = options.maxEntries ?? 2000;
    if (this.#dir !== undefined) mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
  }

  /** The cache for this exact source, if we made one. Keyed by the source's hash, so stale data is never used. */
  get(source: string): ivm.ExternalCopy<ArrayBuffer> | undefined {
    const key = keyOf(source);
    const hit = this.#memory.get(key);
    if (hit !== undefined) return hit;
    if (this.#dir === undefined) return undefined;
    try {
      const bytes = readFileSync(join(this.#dir, `${key}.bin`));
      const copy = new ivm.ExternalCopy(
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      );
      this.#remember(key, copy);
      return copy;
    } catch {
      return undefined;
    }
  }

  set(source: string, data: ivm.ExternalCopy<ArrayBuffer>): void {
    const key = keyOf(source);
    this.#remember(key, data);
    const dir = this.#dir;
    if (dir === undefined) return;
    const write = new Promise<void>((resolve) => setImmediate(resolve))
      .then(async () => {
        const path = join(dir, `${key}.bin`);
        const temp = `${path}.${process.pid}.${this.#writeCount++}.tmp`;
        await writeFile(temp, Buffer.from(data.copy()), { mode: 0o600 });
        await rename(temp, path);
      })
      .catch(() => {
        // A cache that cannot be written only costs a recompile.
      })
      .finally(() => this.#writes.delete(write));
    this.#writes.add(write);
  }

  /** Resolves once the files of every cache made so far are on disk. */
  async written(): Promise<void> {
    await Promise.all([...this.#writes]);
  }

  /** Forgets the in-memory entry (after V8 rejected it). */
  drop(source: string): void {
    this.#memory.delete(keyOf(source));
  }

  #remember(key: string, data: ivm.ExternalCopy<ArrayBuffer>): void {
    this.#memory.delete(key);
    this.#memory.set(key, data);
    for (const oldest of this.#memory.keys()) {
      if (this.#memory.size <= this.#maxEntries) break;
      this.#memory.delete(oldest);
    }
  }
}

function keyOf(source: string): string {
  return createHash("sha256").update(source).digest("hex");
}
