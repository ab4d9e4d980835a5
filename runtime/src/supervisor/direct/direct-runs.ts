// The direct plane's long-running invocations as the supervisor knows them (the workers report those past
// 50 ms): suspects when their worker dies, and the watchdog's charge when their worker is stuck.
import type { Suspect } from "../crash-ledger.js";

export interface DirectRunsOptions<W> {
  /** Extra time past a run's deadline before its worker is presumed stuck (`watchdogGraceMs`). */
  graceMs: number;
  now?: () => number;
  /** A run is still in flight past its deadline and the grace: its worker is to be killed. */
  onOverdue: (worker: W, invocationId: string) => void;
}

interface Run extends Suspect {
  timer: NodeJS.Timeout;
}

export class DirectRuns<W> {
  readonly #options: DirectRunsOptions<W>;
  readonly #now: () => number;
  readonly #byWorker = new Map<W, Map<string, Run>>();

  constructor(options: DirectRunsOptions<W>) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** `worker` reported a direct invocation running; `deadlineMs` is epoch ms (its start, timeout, waitUntil). */
  running(worker: W, id: string, suspect: Suspect, deadlineMs: number): void {
    let runs = this.#byWorker.get(worker);
    if (runs === undefined) {
      runs = new Map();
      this.#byWorker.set(worker, runs);
    }
    clearTimeout(runs.get(id)?.timer);
    const delay = Math.max(0, deadlineMs + this.#options.graceMs - this.#now());
    const timer = setTimeout(() => this.#options.onOverdue(worker, id), delay);
    timer.unref();
    runs.set(id, { ...suspect, timer });
  }

  ended(worker: W, id: string): void {
    const runs = this.#byWorker.get(worker);
    const run = runs?.get(id);
    if (runs === undefined || run === undefined) return;
    clearTimeout(run.timer);
    runs.delete(id);
    if (runs.size === 0) this.#byWorker.delete(worker);
  }

  /** The worker died: its runs in flight (suspects), forgotten from now on. */
  take(worker: W): Array<{ id: string; suspect: Suspect }> {
    const runs = this.#byWorker.get(worker);
    this.#byWorker.delete(worker);
    return [...(runs ?? [])].map(([id, { timer, ...suspect }]) => {
      clearTimeout(timer);
      return { id, suspect };
    });
  }

  /** Runs in flight on `worker` now. */
  count(worker: W): number {
    return this.#byWorker.get(worker)?.size ?? 0;
  }
}
