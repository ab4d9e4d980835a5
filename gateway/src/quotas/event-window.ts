// Counts events over the last 60 seconds in one-second slots: bounded memory whatever the rate.

const SLOTS = 60;

/** A sliding one-minute count of events (e.g. async events enqueued), precise to the second. */
export class EventWindow {
  readonly #seconds = new Array<number>(SLOTS).fill(Number.NEGATIVE_INFINITY);
  readonly #counts = new Array<number>(SLOTS).fill(0);

  /** Events recorded in the 60 whole seconds up to and including the current one. */
  count(now: number): number {
    const current = Math.floor(now / 1000);
    let total = 0;
    for (let slot = 0; slot < SLOTS; slot++) {
      if (this.#live(slot, current)) total += this.#counts[slot] as number;
    }
    return total;
  }

  /**
   * Records `events` if the window then holds at most `limit`, and returns 0; otherwise records nothing and
   * returns the whole seconds (at least 1) until enough of the oldest events have left the window.
   * `events` over `limit` can never fit: the answer is a full minute.
   */
  admit(now: number, events: number, limit: number): number {
    const current = Math.floor(now / 1000);
    const total = this.count(now);
    if (total + events <= limit) {
      this.#add(current, events);
      return 0;
    }
    if (events > limit) return SLOTS;
    let freed = 0;
    for (let second = current - SLOTS + 1; second <= current; second++) {
      const slot = slotOf(second);
      if (this.#seconds[slot] === second) freed += this.#counts[slot] as number;
      if (total - freed + events <= limit) {
        // The events of `second` leave the window when second + 60 begins.
        return Math.max(1, Math.ceil(((second + SLOTS) * 1000 - now) / 1000));
      }
    }
    return SLOTS;
  }

  #add(second: number, events: number): void {
    const slot = slotOf(second);
    if (this.#seconds[slot] !== second) {
      this.#seconds[slot] = second;
      this.#counts[slot] = 0;
    }
    this.#counts[slot] = (this.#counts[slot] as number) + events;
  }

  #live(slot: number, current: number): boolean {
    const second = this.#seconds[slot] as number;
    return second > current - SLOTS && second <= current;
  }
}

function slotOf(second: number): number {
  return ((second % SLOTS) + SLOTS) % SLOTS;
}
