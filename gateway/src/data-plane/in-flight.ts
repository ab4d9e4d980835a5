// Counts invocations whose records are not written yet, so shutdown can wait for them before the writer closes.

/**
 * @example
 * const done = inFlight.begin();
 * try { … } finally { done(); }
 * await inFlight.settled(5_000); // on shutdown
 */
export class InFlightInvocations {
  #count = 0;
  #waiters: Array<() => void> = [];

  get count(): number {
    return this.#count;
  }

  /** Marks one invocation as started; the returned function marks it ended (calling it again does nothing). */
  begin(): () => void {
    this.#count++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#count--;
      if (this.#count === 0) for (const wake of this.#waiters.splice(0)) wake();
    };
  }

  /** Resolves once none is in flight, or after `maxMs` (returns how many were still in flight then). */
  settled(maxMs: number): Promise<number> {
    if (this.#count === 0) return Promise.resolve(0);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.#count), maxMs);
      timer.unref();
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve(0);
      });
    });
  }
}
