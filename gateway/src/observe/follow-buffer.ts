// What a live logs reader has not been sent yet: bounded, so a slow reader costs at most `capacity` records
// and the bus's publisher never waits for it; what did not fit is counted and reported, not silently lost.

/** What the reader gets next: the records waiting, and how many were dropped since the last batch. */
export interface FollowBatch<T> {
  items: T[];
  dropped: number;
}

/**
 * A bounded queue with one consumer. `push` never blocks: past `capacity` the newest item is dropped and
 * counted. `next` resolves with everything waiting, or "idle" after `idleMs` without anything (time for a
 * heartbeat), or "closed".
 *
 * @example
 * const buffer = new FollowBuffer<InvocationRecord>(1000);
 * bus.subscribe((record) => buffer.push(record));
 * for (;;) { const batch = await buffer.next(15_000); if (batch === "closed") break; … }
 */
export class FollowBuffer<T> {
  readonly #capacity: number;
  #items: T[] = [];
  #dropped = 0;
  #droppedTotal = 0;
  #closed = false;
  #wake: (() => void) | undefined;

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError("capacity must be at least 1");
    this.#capacity = capacity;
  }

  /** Items dropped over the buffer's life. */
  get droppedTotal(): number {
    return this.#droppedTotal;
  }

  push(item: T): void {
    if (this.#closed) return;
    if (this.#items.length >= this.#capacity) {
      this.#dropped += 1;
      this.#droppedTotal += 1;
    } else {
      this.#items.push(item);
    }
    this.#wake?.();
  }

  /** Ends `next`: a waiting call resolves "closed", and so does every later one. */
  close(): void {
    this.#closed = true;
    this.#wake?.();
  }

  async next(idleMs: number): Promise<FollowBatch<T> | "idle" | "closed"> {
    if (this.#closed) return "closed";
    if (!this.#hasWaiting()) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        timer = setTimeout(resolve, idleMs);
      });
      clearTimeout(timer);
      this.#wake = undefined;
      if (this.#closed) return "closed";
      if (!this.#hasWaiting()) return "idle";
    }
    const batch = { items: this.#items, dropped: this.#dropped };
    this.#items = [];
    this.#dropped = 0;
    return batch;
  }

  #hasWaiting(): boolean {
    return this.#items.length > 0 || this.#dropped > 0;
  }
}
