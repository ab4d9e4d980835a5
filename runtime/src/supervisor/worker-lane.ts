// One place a runtime worker process runs: an invocation slot, the compile-check slot or a probation slot.
// Keeps a live worker there (started at once, or on first demand), replaces it after a crash with backoff,
// and retires it when it has been idle long enough.
import { SkiffError } from "@skiff/core";
import type { WorkerHandle } from "./worker-handle.js";

export type LaneRole = "invocations" | "check" | "probation";

export interface WorkerLaneOptions {
  /** Number in the supervisor's events. */
  slot: number;
  role: LaneRole;
  /** Forks a worker for this lane; the supervisor wires its messages and its exit to itself. */
  spawn: (lane: WorkerLane) => WorkerHandle;
  /** Start a worker now and again right after each crash; false: only when an invocation asks for one. */
  eager: boolean;
  /** Retire the worker after this long without invocations; absent: never. */
  idleMs?: number;
}

/** The replacement of a crashed worker: when, and how many replacements this lane has needed so far. */
export interface LaneRestart {
  delayMs: number;
  restarts: number;
}

/** Crashes within this window make the next restart wait longer. */
const BACKOFF_WINDOW_MS = 60_000;
const MAX_BACKOFF_MS = 5000;

export class WorkerLane {
  readonly slot: number;
  readonly role: LaneRole;
  readonly #options: WorkerLaneOptions;
  #current: WorkerHandle | undefined;
  #crashTimes: number[] = [];
  #restarts = 0;
  /** Set while a replacement waits out its backoff. */
  #restarting: Promise<void> | undefined;
  #busy = 0;
  #idleTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: WorkerLaneOptions) {
    this.#options = options;
    this.slot = options.slot;
    this.role = options.role;
    if (options.eager) this.#current = options.spawn(this);
  }

  /** The lane's worker process now, if any (it may still be starting). */
  get worker(): WorkerHandle | undefined {
    return this.#current;
  }

  /** Workers that replaced a crashed one since the lane was made. */
  get restarts(): number {
    return this.#restarts;
  }

  /** Resolves once the lane's worker has started (no-op for a lane that starts on demand and has none). */
  async ready(): Promise<void> {
    await this.#current?.ready;
  }

  /** The lane's worker when it is started and usable right now (the warm path), else undefined: use `acquire`. */
  startedWorker(): WorkerHandle | undefined {
    const worker = this.#current;
    if (this.#closed || this.#restarting !== undefined || worker === undefined) return undefined;
    return worker.started && worker.alive && !worker.retired ? worker : undefined;
  }

  /** A live, started worker: waits out a restart, or starts one on demand; RUNTIME_CRASHED if none comes up. */
  async acquire(): Promise<WorkerHandle> {
    // A dead worker is replaced once its exit is handled; wait for that at most once.
    for (let attempt = 0; attempt < 2 && !this.#closed; attempt++) {
      await this.#restarting;
      if (this.#closed) break;
      this.#current ??= this.#options.spawn(this);
      const worker = this.#current;
      try {
        await worker.ready;
      } catch {
        // It died while starting.
      }
      if (worker.alive && !worker.retired) return worker;
      await worker.exited;
    }
    throw new SkiffError("RUNTIME_CRASHED", "no runtime worker is available; try again shortly");
  }

  /** Invocations using this lane now (begun, not ended). */
  get busy(): number {
    return this.#busy;
  }

  /** An invocation is about to use this lane: it must not be retired meanwhile. */
  begin(): void {
    this.#busy++;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }

  /** The invocation that called `begin` ended. */
  end(): void {
    this.#busy--;
    const { idleMs } = this.#options;
    if (this.#busy > 0 || idleMs === undefined || this.#closed) return;
    this.#idleTimer = setTimeout(() => this.#retireIfIdle(), idleMs);
    this.#idleTimer.unref();
  }

  /**
   * Tells the lane its worker exited. Returns the restart it scheduled, or undefined when the exit was expected
   * (retired, closed) or concerned an older worker.
   */
  exited(worker: WorkerHandle): LaneRestart | undefined {
    if (this.#current !== worker) return undefined;
    this.#current = undefined;
    if (this.#closed || worker.retired) return undefined;
    const now = Date.now();
    this.#crashTimes = [...this.#crashTimes.filter((t) => now - t < BACKOFF_WINDOW_MS), now];
    const crashes = this.#crashTimes.length;
    const delayMs = crashes <= 1 ? 0 : Math.min(100 * 2 ** (crashes - 2), MAX_BACKOFF_MS);
    this.#restarts++;
    this.#restarting = new Promise<void>((resolve) =>
      setTimeout(() => {
        this.#restarting = undefined;
        if (this.#options.eager && !this.#closed) this.#current ??= this.#options.spawn(this);
        resolve();
      }, delayMs),
    );
    return { delayMs, restarts: this.#restarts };
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#idleTimer);
    await this.#current?.stop();
  }

  #retireIfIdle(): void {
    this.#idleTimer = undefined;
    const worker = this.#current;
    if (this.#busy > 0 || worker === undefined) return;
    this.#current = undefined;
    void worker.stop();
  }
}
