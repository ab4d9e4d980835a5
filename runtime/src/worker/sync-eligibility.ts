// Which isolate keys run their warm invocations' first slice synchronously (invoker.ts): those whose recent
// invocations were cheap. One costly invocation of a cheap key is mostly noise — a key's first run in a new
// isolate (cold JIT), a collection, or the worker's thread losing its CPU meanwhile (isolated-vm counts that
// time as the isolate's) — and used to take the key off the synchronous path until its next cheap invocation.
// The invocations that arrived meanwhile then each held an isolate of their own on the asynchronous path and
// made a cold start when none was idle, each of which then ran cold JIT code for its share of the later ones:
// a few percent of costly invocations cost the worker more than all the others together. So it takes two
// costly invocations in a row to end a key's eligibility. An invocation that tripped a limit, threw out of the
// sandbox or waited for the host ends it at once, as before.

/** Most isolate keys remembered (the pool holds ≤ 1 000 isolates by default); a key left out starts afresh. */
export const MAX_SYNC_ELIGIBLE_KEYS = 10_000;
/** Costly invocations in a row that end a key's eligibility (until a cheap one). */
const COSTLY_IN_A_ROW = 2;

/** How an invocation went, for its key's eligibility. */
export type SliceFitness =
  /** Finished within its first call into the isolate, under the CPU threshold. */
  | "cheap"
  /** Finished within its first call, with no limit tripped, but used the CPU threshold or more; or was cut. */
  | "costly"
  /** Threw out of the sandbox, tripped a limit, or waited for a timer or host call. */
  | "unfit";

export class SyncEligibility {
  readonly #max: number;
  /** Per key, costly invocations in a row (COSTLY_IN_A_ROW for an unfit one), least recently recorded first. */
  readonly #costly = new Map<string, number>();
  /** The key recorded last, already at the end of `#costly`'s order (a worker's hot key, most of the time). */
  #last: string | undefined;

  constructor(max = MAX_SYNC_ELIGIBLE_KEYS) {
    this.#max = max;
  }

  /** Whether the key's next warm invocation runs its first slice synchronously (never for a key not recorded). */
  has(key: string): boolean {
    return (this.#costly.get(key) ?? COSTLY_IN_A_ROW) < COSTLY_IN_A_ROW;
  }

  /** Whether the key's recent invocations are known to have been costly or unfit (not merely unrecorded). */
  ineligible(key: string): boolean {
    return (this.#costly.get(key) ?? 0) >= COSTLY_IN_A_ROW;
  }

  /** Records an invocation's outcome for its key. */
  record(key: string, fitness: SliceFitness): void {
    const before = this.#costly.get(key) ?? 0;
    const costly =
      fitness === "cheap" ? 0 : fitness === "unfit" ? COSTLY_IN_A_ROW : Math.min(before + 1, COSTLY_IN_A_ROW);
    // The last key recorded is the most recent already: a `set` updates it in place, where it stays.
    if (key === this.#last) {
      this.#costly.set(key, costly);
      return;
    }
    this.#costly.delete(key);
    this.#costly.set(key, costly);
    this.#last = key;
    if (this.#costly.size > this.#max) {
      const oldest = this.#costly.keys().next().value;
      if (oldest !== undefined) this.#costly.delete(oldest);
      if (oldest === key) this.#last = undefined;
    }
  }
}
