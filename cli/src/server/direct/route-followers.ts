// How far each runtime worker's direct data plane has followed the main process's route changes: every change is
// numbered, each worker says which number it has applied, and a deploy waits until all of them have its change.

export interface RouteFollowersOptions {
  /**
   * Longest wait for the workers to apply a change. A worker that is restarting gets every route in its starting
   * snapshot, and one that is stuck is killed by the supervisor (`planeStuckMs`): neither may hold up a deploy
   * already stored for long.
   */
  maxWaitMs: number;
  /** Told when a wait ended at `maxWaitMs` with workers behind. */
  onLate?: (seq: number, behind: number[]) => void;
}

interface Waiter {
  seq: number;
  resolve: () => void;
  timer: NodeJS.Timeout;
}

/**
 * @example
 * const followers = new RouteFollowers({ maxWaitMs: 2_000 });
 * const seq = followers.next(); // sent to every worker with the change
 * await followers.reached(seq); // once each worker answered `applied(slot, seq)`, or after 2 s
 */
export class RouteFollowers {
  readonly #options: RouteFollowersOptions;
  #seq = 0;
  /** The last change each worker's plane applied, by slot: only workers that said they are ready are waited for. */
  readonly #applied = new Map<number, number>();
  #waiters: Waiter[] = [];

  constructor(options: RouteFollowersOptions) {
    this.#options = options;
  }

  /** The number of the last change; a snapshot taken now holds every change up to it. */
  get seq(): number {
    return this.#seq;
  }

  /** Numbers a new change. */
  next(): number {
    this.#seq += 1;
    return this.#seq;
  }

  /**
   * The worker in `slot` has applied every change up to `seq`, or (re)started from a snapshot taken at `seq`.
   * Set, not raised: a restarted worker holds only its snapshot, whatever its slot's previous worker had applied.
   */
  applied(slot: number, seq: number): void {
    this.#applied.set(slot, seq);
    this.#wake();
  }

  /**
   * The worker in `slot` stopped serving (it exited, or its module could not start): nothing is waited for from
   * it until its replacement says where it starts (`applied`).
   */
  forget(slot: number): void {
    this.#applied.delete(slot);
    this.#wake();
  }

  /** Ends every wait at once (the plane is closing: its workers take no more changes). */
  close(): void {
    for (const waiter of this.#waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve();
    }
    this.#waiters = [];
  }

  /** Resolves once every ready worker has applied change `seq`, or after `maxWaitMs`. Never rejects. */
  reached(seq: number): Promise<void> {
    if (this.#behind(seq).length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: Waiter = {
        seq,
        resolve,
        timer: setTimeout(() => {
          this.#waiters = this.#waiters.filter((w) => w !== waiter);
          this.#options.onLate?.(seq, this.#behind(seq));
          resolve();
        }, this.#options.maxWaitMs),
      };
      // A deploy waiting for the workers must not keep a stopping process alive.
      waiter.timer.unref();
      this.#waiters.push(waiter);
    });
  }

  #behind(seq: number): number[] {
    return [...this.#applied].filter(([, applied]) => applied < seq).map(([slot]) => slot);
  }

  #wake(): void {
    const waiting: Waiter[] = [];
    for (const waiter of this.#waiters) {
      if (this.#behind(waiter.seq).length > 0) {
        waiting.push(waiter);
        continue;
      }
      clearTimeout(waiter.timer);
      waiter.resolve();
    }
    this.#waiters = waiting;
  }
}
