// The supervisor: the main process's side of the runtime. Routes each version to one runtime worker
// (affinity keeps its isolates warm), limits concurrency, relays streamed responses, watches for stuck or
// dead workers and restarts them. Deploy-time compile checks run in a worker of their own, so a hostile
// upload can never take down a worker that serves invocations.
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { type CodeBundle, type InvocationEvent, type InvocationResult, newId, SkiffError } from "@skiff/core";
import { DEFAULT_EGRESS_POLICY } from "../egress-defaults.js";
import type { EgressPolicy } from "../fetch-types.js";
import type { FromWorker } from "../protocol.js";
import type { BindingHost, CheckResult, CodeLoader, InvokeOptions, Runtime, VersionSpec } from "../types.js";
import { AddressPolicy } from "../worker/egress/address-policy.js";
import { ConcurrencyLimiter } from "./concurrency.js";
import { ResponseAssembler } from "./response-assembler.js";
import { WorkerHandle } from "./worker-handle.js";

export interface SupervisorOptions {
  /** Where a version's code comes from the first time a worker needs it. */
  loadCode: CodeLoader;
  /** Runtime worker processes serving invocations; default: one per core, at most 4. */
  workers?: number;
  /** How long an invocation may wait for a concurrency slot before TOO_MANY_REQUESTS. */
  maxQueueWaitMs?: number;
  /** Extra time past an invocation's timeout (and waitUntil bound) before the worker is presumed stuck. */
  watchdogGraceMs?: number;
  /** How long a compile check may take before it is abandoned. */
  checkTimeoutMs?: number;
  /**
   * Environment for the workers: isolate cache bounds (SKIFF_MAX_ISOLATES, SKIFF_MAX_ISOLATE_HEAP_MB,
   * SKIFF_ISOLATE_IDLE_MS), spares (SKIFF_SPARE_ISOLATES), SKIFF_COMPILE_CACHE_DIR.
   */
  workerEnv?: NodeJS.ProcessEnv;
  /** Called for platform events worth logging (worker exits and restarts). */
  onEvent?: (event: SupervisorEvent) => void;
  /** Serves tenant code's binding calls (buckets, KV) in this process, which owns storage. */
  bindingHost?: BindingHost;
  /** The operator's egress policy for outbound fetch (DESIGN §7); see `configureEgress` to change it later. */
  egress?: Partial<EgressPolicy>;
}

export type SupervisorEvent =
  | { type: "worker-exit"; slot: number; pid: number | undefined; reason: string; inFlight: number }
  | { type: "worker-restart"; slot: number; delayMs: number }
  | { type: "watchdog-kill"; slot: number; invocationId: string };

interface PendingInvoke {
  kind: "invoke";
  slot: number;
  version: VersionSpec;
  event: InvocationEvent;
  eventId: string | undefined;
  response: ResponseAssembler;
  resolve: (result: InvocationResult) => void;
  watchdog: NodeJS.Timeout;
}

interface PendingCheck {
  kind: "check";
  slot: number;
  resolve: (result: CheckResult) => void;
  timer: NodeJS.Timeout;
}

/** The compiled worker entry; tests run this file from src/, so they use the build in dist/. */
const WORKER_ENTRY = fileURLToPath(
  import.meta.url.endsWith(".ts")
    ? new URL("../../dist/worker/main.js", import.meta.url)
    : new URL("../worker/main.js", import.meta.url),
);
const HEAP_OOM = /out of memory|is_heap_oom/i;
/** The longest a waitUntil may run after the response (the worker enforces it; see WAIT_UNTIL_MS). */
const WAIT_UNTIL_MS = 30_000;

export class Supervisor implements Runtime {
  readonly #options: Required<Omit<SupervisorOptions, "workerEnv" | "onEvent" | "egress" | "bindingHost">> &
    SupervisorOptions;
  #egress: EgressPolicy;
  /** Invocation workers in slots 0..workers-1; the compile-check worker in the last slot. */
  readonly #slots: WorkerHandle[] = [];
  readonly #checkSlot: number;
  /** Set while a slot's replacement worker waits out its restart backoff. */
  readonly #restarting = new Map<number, Promise<void>>();
  readonly #crashTimes: number[][] = [];
  readonly #pending = new Map<string, PendingInvoke | PendingCheck>();
  readonly #limiter = new ConcurrencyLimiter();
  #closed = false;

  constructor(options: SupervisorOptions) {
    this.#options = {
      workers: Math.max(1, Math.min(availableParallelism(), 4)),
      maxQueueWaitMs: 1000,
      watchdogGraceMs: 2000,
      checkTimeoutMs: 10_000,
      ...options,
    };
    this.#egress = validEgress({ ...DEFAULT_EGRESS_POLICY, ...options.egress });
    this.#checkSlot = this.#options.workers;
    for (let slot = 0; slot <= this.#checkSlot; slot++) {
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
    event: InvocationEvent,
    options: InvokeOptions = {},
  ): Promise<InvocationResult> {
    if (this.#closed) throw new SkiffError("SHUTTING_DOWN", "the runtime is shutting down");
    const invocationId = options.invocationId ?? newId();
    const maxWait = Math.min(this.#options.maxQueueWaitMs, version.config.timeoutMs);
    const release = await this.#limiter.acquire(version.id, version.config.concurrency, maxWait);
    try {
      const slot = slotFor(version.id, this.#checkSlot);
      const worker = await this.#readyWorker(slot);
      let bundle: CodeBundle | undefined;
      if (!worker.knownVersions.has(version.id)) {
        bundle = await this.#options.loadCode(version);
        worker.knownVersions.add(version.id);
      }
      return await new Promise<InvocationResult>((resolve) => {
        const send = (message: Parameters<WorkerHandle["send"]>[0]) => this.#slots[slot]?.send(message);
        const response = new ResponseAssembler({
          onResponse: options.onResponse,
          ack: () => send({ type: "chunk-ack", id: invocationId }),
          cancel: () => send({ type: "cancel", id: invocationId }),
        });
        const watchdog = setTimeout(
          () => this.#watchdogKill(slot, invocationId),
          version.config.timeoutMs + WAIT_UNTIL_MS + this.#options.watchdogGraceMs,
        );
        this.#pending.set(invocationId, {
          kind: "invoke",
          slot,
          eventId: options.eventId,
          version,
          event,
          response,
          resolve,
          watchdog,
        });
        options.signal?.addEventListener("abort", () => send({ type: "cancel", id: invocationId }), {
          once: true,
        });
        const sent = worker.send({
          type: "invoke",
          id: invocationId,
          version,
          event,
          ...(bundle ? { bundle } : {}),
          ...(options.eventId === undefined ? {} : { eventId: options.eventId }),
        });
        if (!sent) this.#settle(invocationId, "crashed", "the runtime worker was not reachable");
      });
    } finally {
      release();
    }
  }

  async check(bundle: CodeBundle): Promise<CheckResult> {
    if (this.#closed) throw new SkiffError("SHUTTING_DOWN", "the runtime is shutting down");
    const slot = this.#checkSlot;
    const worker = await this.#readyWorker(slot);
    const id = newId();
    return new Promise<CheckResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        this.#slots[slot]?.kill();
        reject(new SkiffError("INTERNAL_ERROR", "compiling the code took too long; try a smaller bundle"));
      }, this.#options.checkTimeoutMs);
      this.#pending.set(id, { kind: "check", slot, resolve, timer });
      if (!worker.send({ type: "check", id, bundle })) {
        this.#pending.delete(id);
        clearTimeout(timer);
        reject(new SkiffError("RUNTIME_CRASHED", "the compile worker was not reachable; try again"));
      }
    });
  }

  /** Changes the egress policy of every worker (and of workers started later). */
  configureEgress(changes: Partial<EgressPolicy>): void {
    this.#egress = validEgress({ ...this.#egress, ...changes });
    for (const worker of this.#slots) worker.send({ type: "egress", policy: this.#egress });
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

  /** Process ids of the invocation workers by slot (for operators and tests). */
  workerPids(): Array<number | undefined> {
    return this.#slots.slice(0, this.#checkSlot).map((worker) => worker.pid);
  }

  #start(slot: number): WorkerHandle {
    const worker: WorkerHandle = new WorkerHandle({
      entry: WORKER_ENTRY,
      // The check worker keeps no spare isolates: it never runs invocations.
      env: {
        ...(this.#options.workerEnv ?? process.env),
        ...(slot === this.#checkSlot ? { SKIFF_SPARE_ISOLATES: "0" } : {}),
      },
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
    if (message.type === "checked") {
      const pending = this.#pending.get(message.id);
      if (pending?.kind !== "check") return;
      this.#pending.delete(message.id);
      clearTimeout(pending.timer);
      pending.resolve(message.result);
      return;
    }
    if (message.type === "ready") return;
    const pending = this.#pending.get(message.id);
    if (pending?.kind !== "invoke") return;
    switch (message.type) {
      case "response": {
        const { status, statusText, headers, body } = message;
        pending.response.start({ status, statusText, headers }, body);
        return;
      }
      case "chunk":
        pending.response.chunk(message.bytes);
        return;
      case "end":
        pending.response.end(message.error);
        return;
      case "result": {
        this.#pending.delete(message.id);
        clearTimeout(pending.watchdog);
        pending.response.end("the invocation ended before its response body");
        const response = pending.response.response();
        pending.resolve(response === undefined ? message.result : { ...message.result, response });
        return;
      }
      case "binding-call": {
        const { callId } = message;
        const answer = (ok: boolean, value: unknown) =>
          worker.send({ type: "binding-result", id: message.id, callId, ok, value });
        const binding = pending.version.config.bindings.find((b) => b.name === message.binding);
        const host = this.#options.bindingHost;
        if (binding === undefined || host === undefined) {
          answer(false, `this function has no binding named ${message.binding}`);
          return;
        }
        host({
          version: pending.version,
          binding,
          op: message.op,
          args: message.args,
          ...(message.chain === undefined ? {} : { chain: message.chain }),
        }).then(
          (value) => answer(true, value),
          (error: unknown) => answer(false, error instanceof Error ? error.message : String(error)),
        );
        return;
      }
      case "need-code":
        this.#options.loadCode(pending.version).then(
          (bundle) => {
            worker.knownVersions.add(pending.version.id);
            const { version, event, eventId } = pending;
            const retry = { type: "invoke" as const, id: message.id, version, event, bundle };
            if (!worker.send(eventId === undefined ? retry : { ...retry, eventId })) {
              this.#settle(message.id, "crashed", "the runtime worker was not reachable");
            }
          },
          (error) =>
            this.#settle(message.id, "crashed", `could not load the function's code: ${String(error)}`),
        );
        return;
    }
  }

  #onExit(slot: number, worker: WorkerHandle, reason: string): void {
    const inFlight = [...this.#pending].filter(([, p]) => p.slot === slot);
    // A worker ending because the runtime closed is no event worth reporting.
    if (!this.#closed) {
      this.#options.onEvent?.({
        type: "worker-exit",
        slot,
        pid: worker.pid,
        reason,
        inFlight: inFlight.length,
      });
    }
    // A V8 heap OOM aborts the whole worker; with a single invocation in flight it is the one to blame.
    const invokes = inFlight.filter(([, p]) => p.kind === "invoke");
    const blameMemory = invokes.length === 1 && HEAP_OOM.test(worker.stderrTail);
    for (const [id, pending] of inFlight) {
      if (pending.kind === "check") {
        this.#pending.delete(id);
        clearTimeout(pending.timer);
        pending.resolve({
          ok: false,
          error: {
            message:
              "the code could not be compiled: the compiler ran out of resources (is the bundle too large?)",
          },
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

  #settle(invocationId: string, outcome: "crashed" | "timeout" | "exceededMemory", message: string): void {
    const pending = this.#pending.get(invocationId);
    if (pending?.kind !== "invoke") return;
    this.#pending.delete(invocationId);
    clearTimeout(pending.watchdog);
    pending.response.end(message);
    const response = pending.response.response();
    pending.resolve({
      invocationId,
      outcome,
      ...(response === undefined ? {} : { response }),
      cold: false,
      cpuMs: 0,
      wallMs: 0,
      logs: [],
      droppedLogLines: 0,
      error: { name: "RuntimeError", message },
    });
  }
}

/** Throws INVALID_CONFIG for an allow-list or platform address the workers would refuse. */
function validEgress(policy: EgressPolicy): EgressPolicy {
  new AddressPolicy({
    allow: policy.allow,
    functionAllowable: policy.functionAllowable ?? [],
    platformAddresses: policy.platformAddresses,
    localAddresses: [],
  });
  return policy;
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
