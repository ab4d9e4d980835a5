// The supervisor: the main process's side of the runtime. Routes each version to one runtime worker
// (affinity keeps its isolates warm), limits concurrency, watches for stuck or dead workers, restarts them.
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { type HttpEvent, type InvocationResult, newId, SkiffError } from "@skiff/core";
import type { FromWorker } from "../protocol.js";
import type { CheckResult, CodeLoader, InvokeOptions, Runtime, VersionSpec } from "../types.js";
import { ConcurrencyLimiter } from "./concurrency.js";
import { WorkerHandle } from "./worker-handle.js";

export interface SupervisorOptions {
  /** Where a version's code comes from the first time a worker needs it. */
  loadCode: CodeLoader;
  /** Runtime worker processes; default: one per core, at most 4. */
  workers?: number;
  /** How long an invocation may wait for a concurrency slot before TOO_MANY_REQUESTS. */
  maxQueueWaitMs?: number;
  /** Extra time past an invocation's timeout before the worker is presumed stuck and killed. */
  watchdogGraceMs?: number;
  /** Environment for the workers (isolate cache bounds: SKIFF_MAX_ISOLATES, SKIFF_MAX_ISOLATE_HEAP_MB, SKIFF_ISOLATE_IDLE_MS). */
  workerEnv?: NodeJS.ProcessEnv;
  /** Called for platform events worth logging (worker exits and restarts). */
  onEvent?: (event: SupervisorEvent) => void;
}

export type SupervisorEvent =
  | { type: "worker-exit"; slot: number; pid: number | undefined; reason: string; inFlight: number }
  | { type: "worker-restart"; slot: number; delayMs: number }
  | { type: "watchdog-kill"; slot: number; invocationId: string };

interface PendingInvoke {
  kind: "invoke";
  slot: number;
  version: VersionSpec;
  event: HttpEvent;
  resolve: (result: InvocationResult) => void;
  watchdog: NodeJS.Timeout;
}

interface PendingCheck {
  kind: "check";
  slot: number;
  resolve: (result: CheckResult) => void;
}

/** The compiled worker entry; tests run this file from src/, so they use the build in dist/. */
const WORKER_ENTRY = fileURLToPath(
  import.meta.url.endsWith(".ts")
    ? new URL("../../dist/worker/main.js", import.meta.url)
    : new URL("../worker/main.js", import.meta.url),
);
const HEAP_OOM = /out of memory|is_heap_oom/i;

export class Supervisor implements Runtime {
  readonly #options: Required<Omit<SupervisorOptions, "workerEnv" | "onEvent">> & SupervisorOptions;
  readonly #slots: WorkerHandle[] = [];
  /** Set while a slot's replacement worker waits out its restart backoff. */
  readonly #restarting = new Map<number, Promise<void>>();
  readonly #crashTimes: number[][] = [];
  readonly #pending = new Map<string, PendingInvoke | PendingCheck>();
  readonly #limiter = new ConcurrencyLimiter();
  #nextCheckSlot = 0;
  #closed = false;

  constructor(options: SupervisorOptions) {
    this.#options = {
      workers: Math.max(1, Math.min(availableParallelism(), 4)),
      maxQueueWaitMs: 1000,
      watchdogGraceMs: 2000,
      ...options,
    };
    for (let slot = 0; slot < this.#options.workers; slot++) {
      this.#crashTimes.push([]);
      this.#slots.push(this.#start(slot));
    }
  }

  /** Resolves once every worker has started. */
  async ready(): Promise<void> {
    await Promise.all(this.#slots.map((worker) => worker.ready));
  }

  async invoke(
    version: VersionSpec,
    event: HttpEvent,
    options: InvokeOptions = {},
  ): Promise<InvocationResult> {
    if (this.#closed) throw new SkiffError("SHUTTING_DOWN", "the runtime is shutting down");
    const invocationId = options.invocationId ?? newId();
    const maxWait = Math.min(this.#options.maxQueueWaitMs, version.config.timeoutMs);
    const release = await this.#limiter.acquire(version.id, version.config.concurrency, maxWait);
    try {
      const slot = slotFor(version.id, this.#slots.length);
      const worker = await this.#readyWorker(slot);
      let code: string | undefined;
      if (!worker.knownVersions.has(version.id)) {
        code = await this.#options.loadCode(version);
        worker.knownVersions.add(version.id);
      }
      return await new Promise<InvocationResult>((resolve) => {
        const watchdog = setTimeout(
          () => this.#watchdogKill(slot, invocationId),
          version.config.timeoutMs + this.#options.watchdogGraceMs,
        );
        this.#pending.set(invocationId, { kind: "invoke", slot, version, event, resolve, watchdog });
        const onAbort = () => this.#slots[slot]?.send({ type: "cancel", id: invocationId });
        options.signal?.addEventListener("abort", onAbort, { once: true });
        const sent = worker.send({
          type: "invoke",
          id: invocationId,
          version,
          event,
          ...(code === undefined ? {} : { code }),
        });
        if (!sent) this.#settleCrashed(invocationId, "the runtime worker was not reachable");
      });
    } finally {
      release();
    }
  }

  async check(code: string): Promise<CheckResult> {
    if (this.#closed) throw new SkiffError("SHUTTING_DOWN", "the runtime is shutting down");
    const slot = this.#nextCheckSlot++ % this.#slots.length;
    const worker = await this.#readyWorker(slot);
    const id = newId();
    return new Promise<CheckResult>((resolve) => {
      this.#pending.set(id, { kind: "check", slot, resolve });
      if (!worker.send({ type: "check", id, code })) {
        this.#pending.delete(id);
        resolve({ ok: false, error: { message: "the runtime worker was not reachable; try again" } });
      }
    });
  }

  evict(versionId: string): void {
    for (const worker of this.#slots) {
      if (worker.knownVersions.delete(versionId)) worker.send({ type: "evict", versionId });
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#slots.map((worker) => worker.stop()));
  }

  /** Worker process ids by slot (for operators and tests). */
  workerPids(): Array<number | undefined> {
    return this.#slots.map((worker) => worker.pid);
  }

  #start(slot: number): WorkerHandle {
    const worker: WorkerHandle = new WorkerHandle({
      entry: WORKER_ENTRY,
      ...(this.#options.workerEnv === undefined ? {} : { env: this.#options.workerEnv }),
      onMessage: (message) => this.#onMessage(worker, message),
      onExit: (reason) => this.#onExit(slot, worker, reason),
    });
    return worker;
  }

  async #readyWorker(slot: number): Promise<WorkerHandle> {
    // A dead worker is replaced once its exit is handled; wait for that at most once.
    for (let attempt = 0; attempt < 2; attempt++) {
      await this.#restarting.get(slot);
      const worker = this.#slots[slot] as WorkerHandle;
      try {
        await worker.ready;
      } catch {
        // It died while starting.
      }
      if (worker.alive) return worker;
      if (this.#closed) break;
      await worker.exited;
    }
    throw new SkiffError("RUNTIME_CRASHED", "no runtime worker is available; try again shortly");
  }

  #onMessage(worker: WorkerHandle, message: FromWorker): void {
    switch (message.type) {
      case "result": {
        const pending = this.#pending.get(message.id);
        if (pending?.kind !== "invoke") return;
        this.#pending.delete(message.id);
        clearTimeout(pending.watchdog);
        pending.resolve(message.result);
        return;
      }
      case "need-code": {
        const pending = this.#pending.get(message.id);
        if (pending?.kind !== "invoke") return;
        this.#options.loadCode(pending.version).then(
          (code) => {
            worker.knownVersions.add(pending.version.id);
            const sent = worker.send({
              type: "invoke",
              id: message.id,
              version: pending.version,
              event: pending.event,
              code,
            });
            if (!sent) this.#settleCrashed(message.id, "the runtime worker was not reachable");
          },
          (error) => this.#settleCrashed(message.id, `could not load the function's code: ${String(error)}`),
        );
        return;
      }
      case "checked": {
        const pending = this.#pending.get(message.id);
        if (pending?.kind !== "check") return;
        this.#pending.delete(message.id);
        pending.resolve(message.result);
        return;
      }
    }
  }

  #onExit(slot: number, worker: WorkerHandle, reason: string): void {
    const inFlight = [...this.#pending].filter(([, p]) => p.slot === slot);
    this.#options.onEvent?.({
      type: "worker-exit",
      slot,
      pid: worker.pid,
      reason,
      inFlight: inFlight.length,
    });
    // A V8 heap OOM aborts the whole worker; with a single invocation in flight it is the one to blame.
    const invokes = inFlight.filter(([, p]) => p.kind === "invoke");
    const blameMemory = invokes.length === 1 && HEAP_OOM.test(worker.stderrTail);
    for (const [id, pending] of inFlight) {
      if (pending.kind === "check") {
        this.#pending.delete(id);
        pending.resolve({
          ok: false,
          error: { message: "the runtime worker crashed while compiling; try again" },
        });
      } else {
        this.#settle(id, blameMemory ? "exceededMemory" : "crashed", `the runtime worker ended (${reason})`);
      }
    }
    if (this.#closed || this.#slots[slot] !== worker) return;
    const now = Date.now();
    const recent = (this.#crashTimes[slot] ?? []).filter((t) => now - t < 60_000);
    recent.push(now);
    this.#crashTimes[slot] = recent;
    const delayMs = recent.length <= 1 ? 0 : Math.min(100 * 2 ** (recent.length - 2), 5000);
    this.#options.onEvent?.({ type: "worker-restart", slot, delayMs });
    this.#restarting.set(
      slot,
      new Promise<void>((resolve) =>
        setTimeout(() => {
          this.#restarting.delete(slot);
          if (!this.#closed) this.#slots[slot] = this.#start(slot);
          resolve();
        }, delayMs),
      ),
    );
  }

  #watchdogKill(slot: number, invocationId: string): void {
    if (!this.#pending.has(invocationId)) return;
    this.#options.onEvent?.({ type: "watchdog-kill", slot, invocationId });
    this.#settle(
      invocationId,
      "timeout",
      "the invocation did not finish within its timeout and grace period",
    );
    this.#slots[slot]?.kill();
  }

  #settleCrashed(invocationId: string, message: string): void {
    this.#settle(invocationId, "crashed", message);
  }

  #settle(invocationId: string, outcome: "crashed" | "timeout" | "exceededMemory", message: string): void {
    const pending = this.#pending.get(invocationId);
    if (pending?.kind !== "invoke") return;
    this.#pending.delete(invocationId);
    clearTimeout(pending.watchdog);
    pending.resolve({
      invocationId,
      outcome,
      cold: false,
      cpuMs: 0,
      wallMs: 0,
      logs: [],
      droppedLogLines: 0,
      error: { name: "RuntimeError", message },
    });
  }
}

/** FNV-1a hash of the version id: the same version always lands on the same worker. */
export function slotFor(versionId: string, slots: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < versionId.length; i++) {
    hash ^= versionId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % slots;
}
