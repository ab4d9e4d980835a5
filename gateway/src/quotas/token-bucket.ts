// A token bucket: `capacity` tokens, refilled at `ratePerSecond`; each request takes one or is told when to retry.

/** Retry-After when the bucket never refills (a rate of 0): the client should come back after the operator acts. */
const NEVER_REFILLS_SECONDS = 60;

export class TokenBucket {
  #tokens: number;
  #updatedAt: number;

  /** Starts full, as a client that has been quiet may send its whole burst at once. */
  constructor(
    readonly ratePerSecond: number,
    readonly capacity: number,
    now: number,
  ) {
    this.#tokens = capacity;
    this.#updatedAt = now;
  }

  /**
   * Takes one token: returns 0 if there was one, else the whole seconds (at least 1) until there will be.
   *
   * @example
   * const wait = bucket.take(clock.now());
   * if (wait > 0) reply429(wait);
   */
  take(now: number): number {
    this.#refill(now);
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    if (this.ratePerSecond <= 0) return NEVER_REFILLS_SECONDS;
    return Math.max(1, Math.ceil((1 - this.#tokens) / this.ratePerSecond));
  }

  /** Tokens available now (fractional while refilling). */
  tokens(now: number): number {
    this.#refill(now);
    return this.#tokens;
  }

  #refill(now: number): void {
    // A clock that steps back (NTP) adds nothing rather than taking tokens away.
    const elapsedMs = Math.max(0, now - this.#updatedAt);
    this.#tokens = Math.min(this.capacity, this.#tokens + (elapsedMs * this.ratePerSecond) / 1000);
    this.#updatedAt = Math.max(now, this.#updatedAt);
  }
}
