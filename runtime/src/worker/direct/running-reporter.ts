// Tells the supervisor which direct invocations run long enough to matter for crash attribution and its
// watchdog. Invocations shorter than REPORT_AFTER_MS are never reported: almost every warm request, which would
// otherwise cost two IPC messages of its own.
import type { DirectFromWorker } from "../../protocol.js";
import type { VersionSpec } from "../../types.js";
import { WAIT_UNTIL_MS } from "../invoker.js";

/** How long a direct invocation runs before the supervisor hears of it. */
export const REPORT_AFTER_MS = 50;

interface Running {
  version: VersionSpec;
  startedAt: number;
  reported: boolean;
}

export interface RunningReporterOptions {
  send: (message: DirectFromWorker) => void;
  /** Sends what `send` queued at once: a watched invocation's report must leave before its isolate runs. */
  flush?: () => void;
  now?: () => number;
  /** How often the in-flight invocations are looked at; default REPORT_AFTER_MS / 2. */
  intervalMs?: number;
}

export class RunningReporter {
  readonly #options: RunningReporterOptions;
  readonly #now: () => number;
  readonly #running = new Map<string, Running>();
  /**
   * One timer for all of them, running only while some are in flight (it stops at its first tick with none): a
   * timer per request, or one started and stopped around each request of a sequential client, would cost more.
   */
  #timer: NodeJS.Timeout | undefined;
  /** Until then (epoch ms), each invocation is reported as it starts (`direct-watch`). */
  #watchUntil = 0;

  constructor(options: RunningReporterOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  started(invocationId: string, version: VersionSpec): void {
    const running = { version, startedAt: this.#now(), reported: false };
    this.#running.set(invocationId, running);
    if (running.startedAt < this.#watchUntil) {
      // Before its isolate runs: one that crashes the worker at once, or blocks its loop, is still named.
      this.#send(invocationId, running);
      this.#options.flush?.();
      return;
    }
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.#report(), this.#options.intervalMs ?? REPORT_AFTER_MS / 2);
    this.#timer.unref();
  }

  ended(invocationId: string): void {
    const running = this.#running.get(invocationId);
    if (running === undefined) return;
    this.#running.delete(invocationId);
    if (running.reported) this.#options.send({ type: "direct-ended", id: invocationId });
  }

  /**
   * Reports every invocation as it starts until `untilMs` (epoch ms), and those in flight now at once: a worker
   * died of what nobody heard of, and the next death must name its culprit. Answers `direct-watching`.
   */
  watch(untilMs: number): void {
    this.#watchUntil = untilMs;
    for (const [id, running] of this.#running) if (!running.reported) this.#send(id, running);
    this.#options.send({ type: "direct-watching", untilMs });
    this.#options.flush?.();
  }

  /** Whether `invocationId` is a direct invocation in flight here. */
  has(invocationId: string): boolean {
    return this.#running.has(invocationId);
  }

  #report(): void {
    if (this.#running.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      return;
    }
    const now = this.#now();
    for (const [id, running] of this.#running) {
      if (running.reported || now - running.startedAt < REPORT_AFTER_MS) continue;
      this.#send(id, running);
    }
  }

  #send(id: string, running: Running): void {
    running.reported = true;
    const { version, startedAt } = running;
    this.#options.send({
      type: "direct-running",
      id,
      tenant: version.tenant,
      functionName: version.functionName,
      versionId: version.id,
      deadlineMs: startedAt + version.config.timeoutMs + WAIT_UNTIL_MS,
    });
  }
}
