// V8 code caches for tenant modules, made here from code we compiled (never accepted from tenants), kept in
// memory and on disk so that a cold start after eviction or a restart does not compile from scratch.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ivm from "isolated-vm";

export class CompileCache {
  readonly #dir: string | undefined;
  readonly #maxEntries: number;
  readonly #memory = new Map<string, ivm.ExternalCopy<ArrayBuffer>>();

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
    if (this.#dir === undefined) return;
    try {
      const bytes = Buffer.from(data.copy());
      const path = join(this.#dir, `${key}.bin`);
      const temp = `${path}.${process.pid}.tmp`;
      writeFileSync(temp, bytes, { mode: 0o600 });
      renameSync(temp, path);
    } catch {
      // A cache that cannot be written only costs a recompile.
    }
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
