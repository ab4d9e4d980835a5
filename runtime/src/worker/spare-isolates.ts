// Isolates with the prelude already run, kept ready so that a cold start is only the tenant module's load.
// Spares are kept per memory limit (fixed when an isolate is created): always for the default size, and for
// other sizes while they are in use. Making one costs the worker's thread about a millisecond (`new Isolate`
// is synchronous), so spares are made one at a time, between requests, never on a cold start's path.

/** Spares kept per memory size unless configured (SKIFF_SPARE_ISOLATES): a burst of cold starts this deep. */
export const DEFAULT_SPARES_PER_SIZE = 4;

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
  /** Called when preparing a spare fails (it is dropped). */
  onError?: (error: unknown) => void;
}

export class SpareIsolates<T extends Spare> {
  readonly #options: SpareIsolatesOptions<T>;
  readonly #perSize: number;
  readonly #ready = new Map<number, T[]>();
  /** Sizes being topped up now (one spare at a time each). */
  readonly #filling = new Set<number>();
  readonly #lastAsked = new Map<number, number>();
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
    this.#lastAsked.set(memoryMb, this.#options.now());
    return this.#ready.get(memoryMb)?.pop();
  }

  /**
   * Tops the spares of a size up to the target in the background, one at a time, letting the worker's event
   * loop serve what arrives between two (each `new Isolate` holds the thread for about a millisecond).
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

  #have(memoryMb: number): number {
    return this.#ready.get(memoryMb)?.length ?? 0;
  }

  async #fill(memoryMb: number): Promise<void> {
    while (!this.#closed && this.#have(memoryMb) < this.#perSize) {
      // Whatever arrived meanwhile (an invocation) goes first.
      await new Promise((resolve) => setImmediate(resolve));
      if (this.#closed) return;
      const spare = this.#options.create(memoryMb);
      try {
        await spare.prepare();
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
