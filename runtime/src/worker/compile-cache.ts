// V8 code caches for tenant modules, made here from code we compiled (never accepted from tenants), kept in
// memory and on disk so that a cold start after eviction or a restart does not compile from scratch. A cold start
// should not pay for the disk: files are written once cold starts have paused for a moment (a burst of them
// would otherwise meet the writes of the previous ones), and a cache that is not on disk is not looked for there
// (the files present are listed once, at start).
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import ivm from "isolated-vm";

/** How long no new cache must have been made before the waiting ones are written. */
export const DEFAULT_WRITE_DELAY_MS = 100;
/** A cache waits at most this long, so that a steady stream of cold starts does not put every write off. */
const MAX_WRITE_WAIT_MS = 2_000;

export class CompileCache {
  readonly #dir: string | undefined;
  readonly #maxEntries: number;
  readonly #writeDelayMs: number;
  readonly #memory = new Map<string, ivm.ExternalCopy<ArrayBuffer>>();
  /** Keys whose file is on disk (listed at start, then each one written). */
  readonly #onDisk = new Set<string>();
  /** Caches waiting to be written, by key. */
  readonly #waiting = new Map<string, ivm.ExternalCopy<ArrayBuffer>>();
  #timer: NodeJS.Timeout | undefined;
  /** When the oldest waiting cache was made (Date.now()). */
  #waitingSince = 0;
  /** The write under way, if any. */
  #writing: Promise<void> = Promise.resolve();
  #writeCount = 0;

  /** `dir` absent: memory only. */
  constructor(options: { dir?: string; maxEntries?: number; writeDelayMs?: number } = {}) {
    this.#dir = options.dir;
    this.#maxEntries = options.maxEntries ?? 2000;
    this.#writeDelayMs = options.writeDelayMs ?? DEFAULT_WRITE_DELAY_MS;
    if (this.#dir === undefined) return;
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    for (const name of readdirSync(this.#dir)) {
      if (name.endsWith(".bin")) this.#onDisk.add(name.slice(0, -".bin".length));
    }
  }

  /** The cache for this exact source, if we made one. Keyed by the source's hash, so stale data is never used. */
  get(source: string): ivm.ExternalCopy<ArrayBuffer> | undefined {
    const key = keyOf(source);
    const hit = this.#memory.get(key);
    if (hit !== undefined) return hit;
    if (this.#dir === undefined || !this.#onDisk.has(key)) return undefined;
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
    if (this.#dir === undefined || this.#onDisk.has(key)) return;
    const now = Date.now();
    if (this.#waiting.size === 0) this.#waitingSince = now;
    this.#waiting.set(key, data);
    if (this.#timer !== undefined && now - this.#waitingSince >= MAX_WRITE_WAIT_MS) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#flush(), this.#writeDelayMs).unref();
  }

  /** Writes what waits now and resolves once the files of every cache made so far are on disk. */
  async written(): Promise<void> {
    clearTimeout(this.#timer);
    await this.#flush();
  }

  /** Writes the waiting caches one after the other, after any write already under way. */
  #flush(): Promise<void> {
    this.#timer = undefined;
    const dir = this.#dir;
    const batch = [...this.#waiting];
    this.#waiting.clear();
    if (dir === undefined || batch.length === 0) return this.#writing;
    this.#writing = this.#writing.then(async () => {
      for (const [key, data] of batch) {
        try {
          const path = join(dir, `${key}.bin`);
          const temp = `${path}.${process.pid}.${this.#writeCount++}.tmp`;
          await writeFile(temp, Buffer.from(data.copy()), { mode: 0o600 });
          await rename(temp, path);
          this.#onDisk.add(key);
        } catch {
          // A cache that cannot be written only costs a recompile.
        }
      }
    });
    return this.#writing;
  }

  /** Forgets the in-memory entry (after V8 rejected it). */
  drop(source: string): void {
    const key = keyOf(source);
    this.#memory.delete(key);
    // Its file (if that is where it came from) is rewritten with the next cache made.
    this.#onDisk.delete(key);
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
