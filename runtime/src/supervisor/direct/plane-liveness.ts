// Whether the direct plane's workers still answer. A direct invocation is known to the supervisor only once it
// has run a while (`direct-running`), so a worker whose event loop stops at the start of one would otherwise hang
// every connection handed to it, and keep being handed new ones. A worker that has said nothing for a while is
// pinged; one that stays silent past `stuckAfterMs` is presumed stuck and is killed like a watchdog kill.

export interface PlaneLivenessOptions {
  /** Silence after which a worker is pinged (it answers at once from its event loop). */
  pingAfterMs: number;
  /** Silence after which a worker is presumed stuck: far past any legitimate pause (a slice is cut at 10 ms). */
  stuckAfterMs: number;
}

export interface LivenessCheck<W> {
  /** Quiet for `pingAfterMs` and not pinged since: ask them. */
  ping: W[];
  /** Quiet for `stuckAfterMs`. */
  stuck: W[];
}

/**
 * @example
 * const liveness = new PlaneLiveness<WorkerHandle>({ pingAfterMs: 1000, stuckAfterMs: 10_000 });
 * liveness.heard(worker, Date.now()); // on every message from it
 * const { ping, stuck } = liveness.check(planeWorkers, Date.now());
 */
export class PlaneLiveness<W> {
  readonly #options: PlaneLivenessOptions;
  readonly #lastHeard = new Map<W, number>();
  readonly #pinged = new Set<W>();

  constructor(options: PlaneLivenessOptions) {
    this.#options = options;
  }

  /** The worker said something (any message): it is alive as of `now`. */
  heard(worker: W, now: number): void {
    this.#lastHeard.set(worker, now);
    this.#pinged.delete(worker);
  }

  /** The worker is gone (exited): stop watching it. */
  forget(worker: W): void {
    this.#lastHeard.delete(worker);
    this.#pinged.delete(worker);
  }

  /** Which of `workers` to ping and which are stuck; a worker never heard from counts from now. */
  check(workers: Iterable<W>, now: number): LivenessCheck<W> {
    const ping: W[] = [];
    const stuck: W[] = [];
    for (const worker of workers) {
      const last = this.#lastHeard.get(worker);
      if (last === undefined) {
        this.#lastHeard.set(worker, now);
        continue;
      }
      const quiet = now - last;
      if (quiet >= this.#options.stuckAfterMs) stuck.push(worker);
      else if (quiet >= this.#options.pingAfterMs && !this.#pinged.has(worker)) {
        this.#pinged.add(worker);
        ping.push(worker);
      }
    }
    return { ping, stuck };
  }
}
