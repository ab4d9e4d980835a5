// Isolates with the prelude already run, kept ready so that a cold start is only the tenant module's load.
// Spares are kept per memory limit (fixed when an isolate is created): always for the default size, and for
// other sizes while they are in use. Making one costs ≈ 6–10 ms of CPU, 2 ms of it on the worker's own thread
// (`new Isolate` is synchronous). Made right after each cold start, as they were, they ran alongside the next
// one in a burst of cold starts and slowed it down by more than the spare saved (on 2 cores, client p50 ≈ 10 ms
// for a 1.5 ms cold start). So spares are made one at a time, once no cold start has taken one for a moment,
// and the pool is deep enough for a burst; only a pool about to run dry is refilled at once.

/**
 * Spares kept per memory size unless configured (SKIFF_SPARE_ISOLATES): a burst of cold starts this deep is
 * served without making an isolate on the way. Each costs ≈ 2.2 MiB of RSS.
 */
export const DEFAULT_SPARES_PER_SIZE = 16;
/** How long no cold start must have taken a spare before the next one is made. */
export const DEFAULT_QUIET_MS = 30;
/** At or below this many spares of a size, refilling does not wait for quiet: a cold start without one costs more. */
export const DEFAULT_LOW_WATER = 1;

export interface Spare {
  readonly memoryMb: number;
  prepare(): Promise<void>;
  /** Optional work after `prepare` that takes cost off the first request (compiling the common Web APIs). */
  warm?(): Promise<void>;
  dispose(): void;
}

export interface SpareIsolatesOptions<T extends Spare> {
  /** Spares kept per memory size. 0 disables the pool. Default {@link DEFAULT_SPARES_PER_SIZE}. */
  perSize?: number;
  /** The size always kept warm. */
  defaultMemoryMb: number;
  /** A size not asked for within this time loses its spares. */
  unusedTtlMs: number;
  create: (memoryMb: number) => T;
  now: () => number;
  /** Quiet needed before making a spare (default {@link DEFAULT_QUIET_MS}); 0 makes them at once. */
  quietMs?: number;
  /** Spares of a size at or below which it is refilled without waiting ({@link DEFAULT_LOW_WATER}). */
  lowWater?: number;
  /** Waits; injected by tests. Default: an unref'd timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Called when preparing a spare fails (it is dropped). */
  onError?: (error: unknown) => void;
  /**
   * Work awaited once before the first spare is made, which makes every spare cheaper (the worker's prelude
   * code cache, prelude-code-cache.ts). Its failure is ignored: spares are made anyway.
   */
  beforeFirst?: () => Promise<void>;
}

export class SpareIsolates<T extends Spare> {
  readonly #options: SpareIsolatesOptions<T>;
  readonly #perSize: number;
  readonly #ready = new Map<number, T[]>();
  /** Sizes being topped up now (one spare at a time each). */
  readonly #filling = new Set<number>();
  readonly #lastAsked = new Map<number, number>();
  /** When a cold start last took (or asked for) a spare, of any size. */
  #lastTake = Number.NEGATIVE_INFINITY;
  #beforeFirst: Promise<void> | undefined;
  #closed = false;

  constructor(options: SpareIsolatesOptions<T>) {
    this.#options = options;
    this.#perSize = options.perSize ?? DEFAULT_SPARES_PER_SIZE;
    this.refill(options.defaultMemoryMb);
  }

  /**
   * A prepared isolate of that size, if one is ready. Nothing is made here: call `refill` once the cold start
   * that took it is over (a size asked for and missing is remembered, so its refill makes spares of it too).
   */
  take(memoryMb: number): T | undefined {
    const now = this.#options.now();
    this.#lastAsked.set(memoryMb, now);
    this.#lastTake = now;
    return this.#ready.get(memoryMb)?.pop();
  }

  /**
   * Tops the spares of a size up to the target in the background, one at a time, each once the worker has had
   * no cold start for a moment (see the top of this file) unless the size is about to run dry.
   */
  refill(memoryMb: number): void {
    if (this.#closed || this.#filling.has(memoryMb) || this.#have(memoryMb) >= this.#perSize) return;
    this.#filling.add(memoryMb);
    void this.#fill(memoryMb).finally(() => this.#filling.delete(memoryMb));
  }

  /** Drops the spares of sizes nobody asked for lately (never the default size). */
  sweep(): void {
    const cutoff = this.#options.now() - this.#options.unusedTtlMs;
    for (const [memoryMb, spares] of this.#ready) {
      if (memoryMb === this.#options.defaultMemoryMb || (this.#lastAsked.get(memoryMb) ?? 0) > cutoff)
        continue;
      for (const spare of spares) spare.dispose();
      this.#ready.delete(memoryMb);
      this.#lastAsked.delete(memoryMb);
    }
  }

  count(): number {
    let total = 0;
    for (const spares of this.#ready.values()) total += spares.length;
    return total;
  }

  close(): void {
    this.#closed = true;
    for (const spares of this.#ready.values()) for (const spare of spares) spare.dispose();
    this.#ready.clear();
  }

  /** Resolves once no cold start took a spare for `quietMs`, or at once when the size is low or closed. */
  async #quiet(memoryMb: number): Promise<void> {
    const quietMs = this.#options.quietMs ?? DEFAULT_QUIET_MS;
    const lowWater = this.#options.lowWater ?? DEFAULT_LOW_WATER;
    const sleep = this.#options.sleep ?? sleepUnref;
    for (;;) {
      const left = this.#lastTake + quietMs - this.#options.now();
      if (this.#closed || left <= 0 || this.#have(memoryMb) <= lowWater) return;
      await sleep(left);
    }
  }

  #have(memoryMb: number): number {
    return this.#ready.get(memoryMb)?.length ?? 0;
  }

  async #fill(memoryMb: number): Promise<void> {
    this.#beforeFirst ??= (this.#options.beforeFirst?.() ?? Promise.resolve()).catch(() => {});
    await this.#beforeFirst;
    while (!this.#closed && this.#have(memoryMb) < this.#perSize) {
      // Whatever arrived meanwhile (an invocation) goes first.
      await new Promise((resolve) => setImmediate(resolve));
      await this.#quiet(memoryMb);
      if (this.#closed) return;
      const spare = this.#options.create(memoryMb);
      try {
        await spare.prepare();
        await this.#quiet(memoryMb);
        await spare.warm?.();
      } catch (error) {
        spare.dispose();
        this.#options.onError?.(error);
        // A spare that can not be prepared now will not be the next moment either: stop until asked again.
        return;
      }
      if (this.#closed) {
        spare.dispose();
        return;
      }
      const list = this.#ready.get(memoryMb);
      if (list === undefined) this.#ready.set(memoryMb, [spare]);
      else list.push(spare);
    }
  }
}

function sleepUnref(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
