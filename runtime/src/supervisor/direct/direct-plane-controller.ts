// The main process's side of the direct data plane (direct-plane.ts): starts the plane's module in each
// invocation worker (and in each replacement), hands accepted connections to the ready ones round-robin, carries
// the module's data both ways, serves its code fetches and closes it.
import type { Socket } from "node:net";
import type { DirectPlane, DirectPlaneOptions } from "../../direct-plane.js";
import type { DirectFromWorker, DirectToWorker } from "../../protocol.js";
import type { CodeLoader, QuarantineInfo } from "../../types.js";
import type { WorkerHandle } from "../worker-handle.js";
import { PlaneLiveness } from "./plane-liveness.js";

/** How long `close` waits for the workers past their drain before it resolves anyway. */
const CLOSE_SLACK_MS = 1000;

export interface DirectPlaneControllerOptions {
  plane: DirectPlaneOptions;
  /** Invocation workers sharing the plane. */
  workers: number;
  /** The supervisor's `maxQueueWaitMs`: the workers' limiters wait as long. */
  maxQueueWaitMs: number;
  loadCode: CodeLoader;
  /** The supervisor's quarantines now (sent with `direct-start`). */
  quarantined: () => QuarantineInfo[];
  /** Versions in probation now (sent right after `direct-start`). */
  probation: () => string[];
  /** A worker's module could not start: it gets no connections. */
  onFailed: (slot: number, pid: number | undefined, message: string) => void;
  /** Silence (no message, no answer to a ping) after which a worker running the plane is presumed stuck. */
  stuckAfterMs: number;
}

interface Member {
  worker: WorkerHandle;
  slot: number;
}

export class DirectPlaneController implements DirectPlane {
  readonly workers: number;
  readonly #options: DirectPlaneControllerOptions;
  /** Workers that were sent `direct-start`, with their slot. */
  readonly #started = new Map<WorkerHandle, number>();
  /** Those whose module said it is ready, in the order they became so. */
  #ready: Member[] = [];
  #next = 0;
  #closing: Promise<void> | undefined;
  /** Until then (epoch ms), the workers report each direct invocation as it starts (`direct-watch`). */
  #watchUntil = 0;
  /** Each worker's acknowledged watch (`direct-watching`): its end, epoch ms. */
  readonly #watching = new Map<WorkerHandle, number>();
  /** Which workers running the plane still answer (a stuck one would hang every connection handed to it). */
  readonly #liveness: PlaneLiveness<WorkerHandle>;
  /** Called when a worker answers `direct-closed` (or dies) while closing. */
  readonly #closedWaiters = new Map<WorkerHandle, () => void>();

  constructor(options: DirectPlaneControllerOptions) {
    this.#options = options;
    this.workers = options.workers;
    this.#liveness = new PlaneLiveness({
      pingAfterMs: Math.min(1000, options.stuckAfterMs / 4),
      stuckAfterMs: options.stuckAfterMs,
    });
  }

  /** The worker said something: its event loop runs. */
  heard(worker: WorkerHandle, now: number): void {
    if (this.#started.has(worker)) this.#liveness.heard(worker, now);
  }

  /**
   * Pings the workers running the plane that have been quiet a while, and returns those silent for
   * `stuckAfterMs` (the supervisor kills them). Ask again after the IPC the loop has read since (an immediate):
   * the main process's own event loop may have been the one that stalled.
   */
  silentWorkers(now: number): WorkerHandle[] {
    const { ping, stuck } = this.#liveness.check(this.#started.keys(), now);
    for (const worker of ping) worker.send({ type: "direct-ping" });
    return stuck;
  }

  /** Starts the module in an invocation worker once the worker is up (a new one, or a replacement). */
  start(worker: WorkerHandle, slot: number): void {
    worker.ready.then(
      () => {
        if (this.#closing !== undefined || !worker.alive) return;
        const { module, config, snapshot } = this.#options.plane;
        // The snapshot is taken now, and `broadcast` reaches the worker from now on (the worker holds data for
        // its module until the module is ready): no change falls between the two.
        this.#started.set(worker, slot);
        worker.send({
          type: "direct-start",
          module,
          config,
          snapshot: snapshot(),
          slot,
          workers: this.workers,
          maxQueueWaitMs: this.#options.maxQueueWaitMs,
          quarantined: this.#options.quarantined(),
        });
        worker.send({ type: "direct-probation", versionIds: this.#options.probation() });
        if (this.#watchUntil > Date.now()) worker.send({ type: "direct-watch", untilMs: this.#watchUntil });
      },
      () => {
        // It died while starting; its replacement is started in turn.
      },
    );
  }

  hand(socket: Socket): void {
    if (this.#closing === undefined) {
      for (let tries = 0; tries < this.#ready.length; tries++) {
        const member = this.#ready[this.#next % this.#ready.length] as Member;
        this.#next = (this.#next + 1) % this.#ready.length;
        if (member.worker.alive && member.worker.sendSocket({ type: "direct-connection" }, socket)) return;
      }
    }
    socket.destroy();
  }

  broadcast(data: unknown): void {
    if (this.#closing !== undefined) return;
    this.#sendAll({ type: "direct-data", data });
  }

  /** The supervisor's quarantines changed: every worker running the plane refuses as the supervisor does. */
  quarantineChanged(list: QuarantineInfo[]): void {
    this.#sendAll({ type: "direct-quarantine", list });
  }

  /** The versions in probation changed: the workers have the supervisor run them (`direct-invoke`). */
  probationChanged(versionIds: string[]): void {
    this.#sendAll({ type: "direct-probation", versionIds });
  }

  /** Every worker running the plane reports each direct invocation as it starts, until `untilMs` (epoch ms). */
  watch(untilMs: number): void {
    this.#watchUntil = Math.max(this.#watchUntil, untilMs);
    this.#sendAll({ type: "direct-watch", untilMs: this.#watchUntil });
  }

  /**
   * Whether `worker` may have had direct invocations in flight that it did not report (it runs the plane and had
   * not acknowledged a watch in force): its death then names nobody for sure. Asked before `exited`.
   */
  mayHideRuns(worker: WorkerHandle): boolean {
    return this.#started.has(worker) && (this.#watching.get(worker) ?? 0) <= Date.now();
  }

  close(drainMs: number): Promise<void> {
    this.#closing ??= this.#close(drainMs);
    return this.#closing;
  }

  /** A direct-plane message from `worker` (`direct-running` and `direct-ended` are the supervisor's). */
  onMessage(worker: WorkerHandle, message: DirectFromWorker): void {
    const slot = this.#started.get(worker);
    if (slot === undefined) return;
    switch (message.type) {
      case "direct-ready":
        if (this.#closing === undefined) this.#ready.push({ worker, slot });
        return;
      case "direct-failed":
        this.#options.onFailed(slot, worker.pid, message.message);
        this.#options.plane.onStopped?.(slot);
        return;
      case "direct-data":
        this.#options.plane.onMessage(message.data, slot);
        return;
      case "direct-code":
        this.#options.loadCode(message.version).then(
          (bundle) => {
            // The worker holds the code now: an `evict` of the version must reach it.
            worker.knownVersions.add(message.version.id);
            worker.send({ type: "direct-code", id: message.id, bundle });
          },
          (error: unknown) => worker.send({ type: "direct-code", id: message.id, error: String(error) }),
        );
        return;
      case "direct-closed":
        this.#closedWaiters.get(worker)?.();
        return;
      case "direct-watching":
        this.#watching.set(worker, message.untilMs);
        return;
    }
  }

  /** The worker exited: its connections died with it. */
  exited(worker: WorkerHandle): void {
    const slot = this.#started.get(worker);
    this.#started.delete(worker);
    if (slot !== undefined) this.#options.plane.onStopped?.(slot);
    this.#liveness.forget(worker);
    this.#watching.delete(worker);
    this.#ready = this.#ready.filter((member) => member.worker !== worker);
    this.#closedWaiters.get(worker)?.();
  }

  #sendAll(message: DirectToWorker): void {
    for (const worker of this.#started.keys()) worker.send(message);
  }

  async #close(drainMs: number): Promise<void> {
    this.#ready = [];
    const closing = [...this.#started.keys()].map(
      (worker) =>
        new Promise<void>((resolve) => {
          this.#closedWaiters.set(worker, resolve);
          if (!worker.send({ type: "direct-close", drainMs })) resolve();
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, drainMs + CLOSE_SLACK_MS);
    });
    await Promise.race([Promise.all(closing), late]);
    clearTimeout(timer);
    this.#closedWaiters.clear();
  }
}
