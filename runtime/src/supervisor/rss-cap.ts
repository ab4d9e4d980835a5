// The hard cap on a runtime worker's resident memory: isolated-vm's memoryLimit is a guideline that hostile
// code can exceed, so the supervisor samples each worker's RSS and kills the worker that passes the cap.
import type { WorkerHandle } from "./worker-handle.js";
import type { WorkerLane } from "./worker-lane.js";

const MB = 1024 * 1024;

export interface RssCapOptions {
  capMb: number;
  /** Told before the worker is killed (its death then goes through the usual crash handling). */
  onKill: (lane: WorkerLane, worker: WorkerHandle, rssMb: number) => void;
}

export class RssCap {
  readonly #options: RssCapOptions;
  #sampling = false;

  constructor(options: RssCapOptions) {
    if (!(options.capMb > 0)) throw new RangeError(`maxWorkerRssMb must be positive, not ${options.capMb}`);
    this.#options = options;
  }

  /** Samples every lane's worker once (a sample still running from last time makes this a no-op). */
  async check(lanes: readonly WorkerLane[]): Promise<void> {
    if (this.#sampling) return;
    this.#sampling = true;
    try {
      await Promise.all(lanes.map((lane) => this.#checkLane(lane)));
    } finally {
      this.#sampling = false;
    }
  }

  async #checkLane(lane: WorkerLane): Promise<void> {
    const worker = lane.worker;
    if (worker === undefined || !worker.alive) return;
    const rss = await worker.rssBytes();
    const { capMb } = this.#options;
    if (rss === undefined || rss <= capMb * MB || !worker.alive) return;
    const rssMb = Math.round(rss / MB);
    this.#options.onKill(lane, worker, rssMb);
    worker.kill(`its RSS of ${rssMb} MB passed the ${capMb} MB cap`);
  }
}
