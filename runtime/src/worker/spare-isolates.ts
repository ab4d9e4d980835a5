// Isolates with the prelude already run, kept ready so that a cold start is only the tenant module's load.
// Spares are kept per memory limit (fixed when an isolate is created): always for the default size, and for
// other sizes while they are in use.

export interface Spare {
  readonly memoryMb: number;
  prepare(): Promise<void>;
  dispose(): void;
}

export interface SpareIsolatesOptions<T extends Spare> {
  /** Spares kept per memory size. 0 disables the pool. */
  perSize: number;
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
  readonly #ready = new Map<number, T[]>();
  readonly #filling = new Map<number, number>();
  readonly #lastAsked = new Map<number, number>();
  #closed = false;

  constructor(options: SpareIsolatesOptions<T>) {
    this.#options = options;
    this.refill(options.defaultMemoryMb);
  }

  /** A prepared isolate of that size, if one is ready; a refill starts either way. */
  take(memoryMb: number): T | undefined {
    this.#lastAsked.set(memoryMb, this.#options.now());
    const spare = this.#ready.get(memoryMb)?.pop();
    this.refill(memoryMb);
    return spare;
  }

  /** Starts preparing spares of a size up to the target, in the background. */
  refill(memoryMb: number): void {
    if (this.#closed) return;
    const have = (this.#ready.get(memoryMb)?.length ?? 0) + (this.#filling.get(memoryMb) ?? 0);
    for (let i = have; i < this.#options.perSize; i++) {
      this.#filling.set(memoryMb, (this.#filling.get(memoryMb) ?? 0) + 1);
      const spare = this.#options.create(memoryMb);
      spare.prepare().then(
        () => this.#settle(memoryMb, spare, true),
        (error) => {
          this.#settle(memoryMb, spare, false);
          this.#options.onError?.(error);
        },
      );
    }
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

  #settle(memoryMb: number, spare: T, prepared: boolean): void {
    this.#filling.set(memoryMb, (this.#filling.get(memoryMb) ?? 1) - 1);
    if (!prepared || this.#closed) {
      spare.dispose();
      return;
    }
    const list = this.#ready.get(memoryMb);
    if (list === undefined) this.#ready.set(memoryMb, [spare]);
    else list.push(spare);
  }
}
