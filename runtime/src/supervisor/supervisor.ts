// The supervisor: the main process's side of the runtime. Routes each version to one runtime worker
// (affinity keeps its isolates warm), limits concurrency, relays streamed responses, watches for stuck, bloated
// or dead workers and restarts them. When a worker dies it works out which function crashed it: suspects run
// in probation workers of their own until the culprit is named, and a function that keeps crashing is
// quarantined. Deploy-time compile checks run in a worker of their own, so a hostile upload can never take
// down a worker that serves invocations.
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { type CodeBundle, type InvocationEvent, type InvocationResult, newId, SkiffError } from "@skiff/core";
import type { DirectPlane, DirectPlaneOptions } from "../direct-plane.js";
import { DEFAULT_EGRESS_POLICY } from "../egress-defaults.js";
import type { EgressPolicy } from "../fetch-types.js";
import type { FromWorker } from "../protocol.js";
import type {
  BindingHost,
  CheckResult,
  CodeLoader,
  InvokeOptions,
  NotificationChain,
  QuarantineInfo,
  Runtime,
  VersionSpec,
} from "../types.js";
import { AddressPolicy } from "../worker/egress/address-policy.js";
import { ConcurrencyLimiter } from "./concurrency.js";
import { CrashLedger, type Suspect } from "./crash-ledger.js";
import { DirectPlaneController } from "./direct/direct-plane-controller.js";
import { DirectRuns } from "./direct/direct-runs.js";
import { RelayedInvocations } from "./direct/relayed-invocations.js";
import { ProbationLanes } from "./probation-lanes.js";
import { quarantineKey, quarantineOf, refuseQuarantined } from "./quarantine-refusal.js";
import { ResponseAssembler } from "./response-assembler.js";
import { RssCap } from "./rss-cap.js";
import type { RuntimeStats, WorkerStats } from "./runtime-stats.js";
import { SpecRegistry } from "./spec-registry.js";
import type { SupervisorEvent } from "./supervisor-events.js";
import { WorkerHandle } from "./worker-handle.js";
import { type LaneRole, WorkerLane } from "./worker-lane.js";

export type { SupervisorEvent } from "./supervisor-events.js";

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
   * Hard cap on a runtime worker's resident memory in MB (SKIFF_WORKER_RSS_MB); default 4096, room for the
   * isolate cache (1024 MB of heap by default) plus one 2048 MB invocation. A worker above it is killed
   * (SIGKILL) and restarted, as if it had crashed: isolated-vm's memoryLimit is only a guideline.
   */
  maxWorkerRssMb?: number;
  /** How often each worker's RSS is sampled; default 500 ms. */
  rssCheckIntervalMs?: number;
  /** Probation worker processes at most (one per suspect function); further suspects share the last. Default 4. */
  maxProbationWorkers?: number;
  /** A probation worker without invocations for this long exits; default 30 s. */
  probationIdleMs?: number;
  /** The clock for strikes and probation; default `Date.now`. */
  now?: () => number;
  /**
   * Environment for the workers: isolate cache bounds (SKIFF_MAX_ISOLATES, SKIFF_MAX_ISOLATE_HEAP_MB,
   * SKIFF_ISOLATE_IDLE_MS), spares (SKIFF_SPARE_ISOLATES), SKIFF_COMPILE_CACHE_DIR.
   */
  workerEnv?: NodeJS.ProcessEnv;
  /** Called for platform events worth logging (worker exits and restarts, strikes, quarantines). */
  onEvent?: (event: SupervisorEvent) => void;
  /** Serves tenant code's binding calls (buckets, KV) in this process, which owns storage. */
  bindingHost?: BindingHost;
  /**
   * A worker serving the direct data plane that says nothing, not even to a ping, for this long is killed as
   * stuck; default 10 s (a synchronous slice is cut at 10 ms, so a live worker answers within milliseconds).
   */
  planeStuckMs?: number;
  /** The operator's egress policy for outbound fetch (DESIGN §7); see `configureEgress` to change it later. */
  egress?: Partial<EgressPolicy>;
}

/** How one try of an invocation ended: with a result, or with its worker's death and a second chance. */
type Attempt = { result: InvocationResult } | { rerun: true };

interface PendingInvoke {
  kind: "invoke";
  lane: WorkerLane;
  worker: WorkerHandle;
  version: VersionSpec;
  event: InvocationEvent;
  eventId: string | undefined;
  chain: NotificationChain | undefined;
  response: ResponseAssembler;
  /** The response head was relayed: running it again could answer twice. */
  started: boolean;
  /** It may run again, once, on a probation worker if its worker dies under it. */
  mayRerun: boolean;
  /** The watchdog killed its worker for it: answered TIMEOUT once the death is reported. */
  timedOut: boolean;
  resolve: (attempt: Attempt) => void;
  watchdog: NodeJS.Timeout;
}

interface PendingCheck {
  kind: "check";
  worker: WorkerHandle;
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
/** In-flight invocations on a version's affinity worker from which another, quieter worker may take more. */
const SPILL_AT = 8;
/** The longest a waitUntil may run after the response (the worker enforces it; see WAIT_UNTIL_MS). */
const WAIT_UNTIL_MS = 30_000;
/**
 * How long the direct plane's workers report every invocation as it starts after a worker died with some possibly
 * unreported (the crash ledger's window: long enough for a crasher's next crashes to count as strikes).
 */
const DIRECT_WATCH_MS = 5 * 60_000;

type Defaulted = "workerEnv" | "onEvent" | "egress" | "bindingHost";

export class Supervisor implements Runtime {
  readonly #options: Required<Omit<SupervisorOptions, Defaulted>> & SupervisorOptions;
  #egress: EgressPolicy;
  /** Invocation lanes 0..workers-1 (by affinity), then the compile-check lane. */
  readonly #lanes: WorkerLane[] = [];
  readonly #checkLane: WorkerLane;
  readonly #probation: ProbationLanes<WorkerLane>;
  readonly #ledger: CrashLedger;
  readonly #pending = new Map<string, PendingInvoke | PendingCheck>();
  readonly #limiter = new ConcurrencyLimiter();
  /** Which workers hold which version specs: an invoke carries the whole spec only to a worker without it. */
  readonly #specs = new SpecRegistry<WorkerHandle>();
  /** Quarantined functions by `tenant/function`. */
  readonly #quarantine = new Map<string, QuarantineInfo>();
  readonly #rssCap: RssCap;
  readonly #housekeeping: NodeJS.Timeout;
  /** The direct data plane, once `serveDirect` started it. */
  #direct: DirectPlaneController | undefined;
  /** Direct-plane invocations the workers reported running long: suspects and watchdog charges. */
  readonly #directRuns: DirectRuns<WorkerHandle>;
  /** Direct-plane invocations of versions in probation, run here for the workers. */
  readonly #relayed = new RelayedInvocations<WorkerHandle>((version, event, options) =>
    this.invoke(version, event, options),
  );
  /** Workers the watchdog killed for a stuck direct invocation: their death names it. */
  readonly #directWatchdogKills = new WeakSet<WorkerHandle>();
  /** Versions in probation, as the direct plane's workers were told. */
  readonly #probationIds = new Set<string>();
  #closed = false;

  constructor(options: SupervisorOptions) {
    this.#options = {
      workers: Math.max(1, Math.min(availableParallelism(), 4)),
      maxQueueWaitMs: 1000,
      watchdogGraceMs: 2000,
      planeStuckMs: 10_000,
      checkTimeoutMs: 10_000,
      maxWorkerRssMb: 4096,
      rssCheckIntervalMs: 500,
      maxProbationWorkers: 4,
      probationIdleMs: 30_000,
      now: Date.now,
      ...options,
    };
    const { workers, maxWorkerRssMb, rssCheckIntervalMs } = this.#options;
    this.#egress = validEgress({ ...DEFAULT_EGRESS_POLICY, ...options.egress });
    this.#ledger = new CrashLedger({ now: this.#options.now });
    this.#directRuns = new DirectRuns({
      graceMs: this.#options.watchdogGraceMs,
      onOverdue: (worker, invocationId) => this.#watchdogKillDirect(worker, invocationId),
    });
    this.#probation = new ProbationLanes({
      max: this.#options.maxProbationWorkers,
      create: (index) => this.#lane(workers + 1 + index, "probation"),
    });
    this.#rssCap = new RssCap({
      capMb: maxWorkerRssMb,
      onKill: (lane, worker, rssMb) =>
        this.#options.onEvent?.({
          type: "rss-kill",
          slot: lane.slot,
          role: lane.role,
          pid: worker.pid,
          rssMb,
          capMb: maxWorkerRssMb,
        }),
    });
    // Workers start last: everything above validates options and may throw.
    for (let slot = 0; slot < workers; slot++) {
      this.#lanes.push(this.#lane(slot, "invocations"));
    }
    this.#checkLane = this.#lane(workers, "check");
    this.#housekeeping = setInterval(() => this.#housekeep(), rssCheckIntervalMs);
    this.#housekeeping.unref();
  }

  /** Resolves once every invocation and check worker has started. */
  async ready(): Promise<void> {
    await Promise.all([...this.#lanes, this.#checkLane].map((lane) => lane.ready()));
  }

  /**
   * Runs one event on the version's worker. If that worker dies before the handler answered while other
   * functions were in flight there too, this function may be innocent, so the event runs once more on a
   * probation worker of its own: an event can therefore run at most twice (its side effects, such as binding
   * writes, may happen twice). An event that started its response, or was alone on the worker, is not run again.
   */
  async invoke(
    version: VersionSpec,
    event: InvocationEvent,
    options: InvokeOptions = {},
  ): Promise<InvocationResult> {
    if (this.#closed) throw new SkiffError("SHUTTING_DOWN", "the runtime is shutting down");
    refuseQuarantined(this.#quarantine, version);
    const invocationId = options.invocationId ?? newId();
    const maxWait = Math.min(this.#options.maxQueueWaitMs, version.config.timeoutMs);
    // Without a wait when a slot is free: every await is a promise and a microtask on the warm path.
    const release =
      this.#limiter.tryAcquire(version.id, version.config.concurrency) ??
      (await this.#limiter.acquire(version.id, version.config.concurrency, maxWait));
    try {
      const first = await this.#attempt(version, event, options, invocationId, true);
      if ("result" in first) return first.result;
      const crashed = (why: string) =>
        crashedResult(invocationId, "crashed", `the runtime worker ended under the invocation; ${why}`);
      if (options.signal?.aborted) return crashed("it was canceled before it could run again");
      if (this.#isQuarantined(version)) return crashed("the function is now quarantined");
      const second = await this.#attempt(version, event, options, invocationId, false);
      return "result" in second ? second.result : crashed("it could not be run again");
    } finally {
      release();
    }
  }

  async check(bundle: CodeBundle): Promise<CheckResult> {
    if (this.#closed) throw new SkiffError("SHUTTING_DOWN", "the runtime is shutting down");
    const worker = await this.#checkLane.acquire();
    const id = newId();
    return new Promise<CheckResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        worker.kill("the compile check took too long");
        reject(new SkiffError("INTERNAL_ERROR", "compiling the code took too long; try a smaller bundle"));
      }, this.#options.checkTimeoutMs);
      this.#pending.set(id, { kind: "check", worker, resolve, timer });
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
    for (const worker of this.#workers()) worker.send({ type: "egress", policy: this.#egress });
  }

  evict(versionId: string): void {
    for (const worker of this.#workers()) {
      if (worker.knownVersions.delete(versionId)) worker.send({ type: "evict", versionId });
    }
  }

  quarantined(): QuarantineInfo[] {
    return [...this.#quarantine.values()];
  }

  quarantine(info: QuarantineInfo): void {
    this.#quarantine.set(quarantineKey(info.tenant, info.functionName), { ...info });
    this.#direct?.quarantineChanged(this.quarantined());
  }

  liftQuarantine(tenant: string, functionName: string): void {
    this.#quarantine.delete(quarantineKey(tenant, functionName));
    this.#ledger.forgive(tenant, functionName);
    this.#direct?.quarantineChanged(this.quarantined());
  }

  /**
   * Starts the direct data plane (direct-plane.ts) in every invocation worker, and in each one that replaces a
   * crashed one. Once per supervisor.
   */
  serveDirect(options: DirectPlaneOptions): DirectPlane {
    if (this.#closed) throw new Error("the runtime is closed: the direct plane cannot start");
    if (this.#direct !== undefined) throw new Error("the direct plane is already being served");
    const direct = new DirectPlaneController({
      plane: options,
      workers: this.#lanes.length,
      maxQueueWaitMs: this.#options.maxQueueWaitMs,
      loadCode: this.#options.loadCode,
      quarantined: () => this.quarantined(),
      probation: () => [...this.#probationIds],
      onFailed: (slot, pid, message) =>
        this.#options.onEvent?.({ type: "direct-failed", slot, role: "invocations", pid, message }),
      stuckAfterMs: this.#options.planeStuckMs,
    });
    this.#direct = direct;
    for (const lane of this.#lanes) if (lane.worker !== undefined) direct.start(lane.worker, lane.slot);
    return direct;
  }

  /** Closes the direct plane (if `serveDirect` started it; without a drain) and stops every worker. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#housekeeping);
    await this.#direct?.close(0);
    await Promise.all(this.#allLanes().map((lane) => lane.close()));
  }

  /** Process ids of the invocation workers by slot (for operators and tests). */
  workerPids(): Array<number | undefined> {
    return this.#lanes.map((lane) => lane.worker?.pid);
  }

  /**
   * Every worker slot (invocations, check, probation) with its process, restarts, RSS and isolate cache, as
   * each worker reports them now; a worker that does not answer within a second is listed without them.
   */
  async stats(): Promise<RuntimeStats> {
    const workers = await Promise.all(
      this.#allLanes().map(async (lane): Promise<WorkerStats> => {
        const worker = lane.worker;
        const base = { slot: lane.slot, role: lane.role, pid: worker?.pid, restarts: lane.restarts };
        const answer = worker?.alive ? await worker.stats() : undefined;
        return { ...base, ...answer };
      }),
    );
    return { workers };
  }

  /** Process ids of the probation workers running now (for operators and tests). */
  probationPids(): number[] {
    return this.#probation.lanes.flatMap((lane) => (lane.worker?.pid === undefined ? [] : [lane.worker.pid]));
  }

  #lane(slot: number, role: LaneRole): WorkerLane {
    return new WorkerLane({
      slot,
      role,
      eager: role !== "probation",
      ...(role === "probation" ? { idleMs: this.#options.probationIdleMs } : {}),
      spawn: (lane) => {
        const worker: WorkerHandle = new WorkerHandle({
          entry: WORKER_ENTRY,
          env: {
            ...(this.#options.workerEnv ?? process.env),
            // A replacement worker starts with the operator's current policy, not the built-in default.
            SKIFF_EGRESS_POLICY: JSON.stringify(this.#egress),
            // The check worker keeps no spare isolates: it never runs invocations.
            ...(role === "check" ? { SKIFF_SPARE_ISOLATES: "0" } : {}),
          },
          onMessage: (message) => this.#onMessage(worker, message),
          onExit: (reason) => this.#onExit(lane, worker, reason),
        });
        if (role === "invocations") this.#direct?.start(worker, slot);
        return worker;
      },
    });
  }

  #allLanes(): WorkerLane[] {
    return [...this.#lanes, this.#checkLane, ...this.#probation.lanes];
  }

  #workers(): WorkerHandle[] {
    return this.#allLanes().flatMap((lane) => (lane.worker === undefined ? [] : [lane.worker]));
  }

  /**
   * A suspect runs alone in its probation worker; everything else on its affinity worker, unless that worker
   * is crowded (SPILL_AT in flight) and another holds at most half as many: then the least busy one takes it.
   * Affinity keeps a version's isolates warm in one place, but a single hot version would otherwise keep every
   * other worker (and core) idle while its own queues.
   */
  #laneFor(version: VersionSpec): WorkerLane {
    if (this.#ledger.inProbation(version.id)) return this.#probation.laneFor(version.id);
    const home = this.#lanes[slotFor(version.id, this.#lanes.length)] as WorkerLane;
    if (home.busy < SPILL_AT) return home;
    let best = home;
    for (const lane of this.#lanes) {
      if (lane.busy < best.busy && lane.startedWorker() !== undefined) best = lane;
    }
    return best.busy * 2 <= home.busy ? best : home;
  }

  #isQuarantined(version: VersionSpec): QuarantineInfo | undefined {
    return quarantineOf(this.#quarantine, version);
  }

  async #attempt(
    version: VersionSpec,
    event: InvocationEvent,
    options: InvokeOptions,
    invocationId: string,
    mayRerun: boolean,
  ): Promise<Attempt> {
    const lane = this.#laneFor(version);
    lane.begin();
    try {
      const worker = lane.startedWorker() ?? (await lane.acquire());
      let bundle: CodeBundle | undefined;
      if (!worker.knownVersions.has(version.id)) {
        bundle = await this.#options.loadCode(version);
        worker.knownVersions.add(version.id);
      }
      return await new Promise<Attempt>((resolve) => {
        const cancel = () => worker.send({ type: "cancel", id: invocationId });
        const response = new ResponseAssembler({
          onResponse: options.onResponse,
          ack: () => worker.send({ type: "chunk-ack", id: invocationId }),
          cancel,
        });
        const watchdog = setTimeout(
          () => this.#watchdogKill(invocationId),
          version.config.timeoutMs + WAIT_UNTIL_MS + this.#options.watchdogGraceMs,
        );
        options.signal?.addEventListener("abort", cancel, { once: true });
        const finish = (attempt: Attempt) => {
          options.signal?.removeEventListener("abort", cancel);
          resolve(attempt);
        };
        this.#pending.set(invocationId, {
          kind: "invoke",
          lane,
          worker,
          eventId: options.eventId,
          chain: options.chain,
          version,
          event,
          response,
          started: false,
          mayRerun,
          timedOut: false,
          resolve: finish,
          watchdog,
        });
        const sent = worker.send({
          type: "invoke",
          id: invocationId,
          ...this.#specs.reference(version, worker),
          event,
          ...(bundle ? { bundle } : {}),
          ...(options.eventId === undefined ? {} : { eventId: options.eventId }),
          ...(options.chain === undefined ? {} : { chain: options.chain }),
        });
        if (sent) {
          // The client may have left while the worker or the code was awaited: the listener came too late.
          if (options.signal?.aborted) cancel();
          return;
        }
        if (!mayRerun) {
          this.#settle(invocationId, "crashed", "the runtime worker was not reachable");
          return;
        }
        // The worker died (an RSS kill, say) while the code was loading: the event never ran, so try again.
        this.#pending.delete(invocationId);
        clearTimeout(watchdog);
        finish({ rerun: true });
      });
    } finally {
      lane.end();
    }
  }

  #onMessage(worker: WorkerHandle, message: FromWorker): void {
    this.#direct?.heard(worker, Date.now());
    if (message.type === "checked") {
      const pending = this.#pending.get(message.id);
      if (pending?.kind !== "check") return;
      this.#pending.delete(message.id);
      clearTimeout(pending.timer);
      pending.resolve(message.result);
      return;
    }
    // A pong says only that the worker's loop runs, which `heard` above noted.
    if (message.type === "ready" || message.type === "stats" || message.type === "direct-pong") return;
    switch (message.type) {
      case "direct-running": {
        const { id, tenant, functionName, versionId, deadlineMs } = message;
        this.#directRuns.running(worker, id, { tenant, functionName, versionId }, deadlineMs);
        return;
      }
      case "direct-ended":
        this.#directRuns.ended(worker, message.id);
        return;
      case "direct-invoke":
        // Only an invocation worker serves the direct plane.
        if (this.#lanes.some((lane) => lane.worker === worker)) {
          this.#relayed.start(worker, message.id, message.version, message.event, message.eventId);
        }
        return;
      case "direct-invoke-ack":
        this.#relayed.ack(worker, message.id);
        return;
      case "direct-invoke-cancel":
        this.#relayed.cancel(worker, message.id);
        return;
      case "direct-ready":
      case "direct-failed":
      case "direct-data":
      case "direct-code":
      case "direct-closed":
      case "direct-watching":
        this.#direct?.onMessage(worker, message);
        return;
    }
    const pending = this.#pending.get(message.id);
    if (message.type === "binding-call" && pending === undefined && message.version !== undefined) {
      // A direct-plane invocation: only an invocation worker runs those.
      if (this.#lanes.some((lane) => lane.worker === worker))
        this.#serveBindingCall(worker, message, message.version);
      return;
    }
    if (pending?.kind !== "invoke" || pending.worker !== worker) return;
    switch (message.type) {
      case "response": {
        const { status, statusText, headers, body } = message;
        pending.started = true;
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
        pending.resolve({ result: pending.response.finish(message.result) });
        return;
      }
      case "binding-call":
        this.#serveBindingCall(worker, message, pending.version);
        return;
      case "need-code":
        this.#options.loadCode(pending.version).then(
          (bundle) => {
            worker.knownVersions.add(pending.version.id);
            const { version, event, eventId, chain } = pending;
            // It may have dropped the spec as well as the code: send both.
            this.#specs.forget(version, worker);
            const retry = {
              type: "invoke" as const,
              id: message.id,
              ...this.#specs.reference(version, worker),
              event,
              bundle,
              ...(eventId === undefined ? {} : { eventId }),
              ...(chain === undefined ? {} : { chain }),
            };
            if (!worker.send(retry)) {
              this.#settle(message.id, "crashed", "the runtime worker was not reachable");
            }
          },
          (error) =>
            this.#settle(message.id, "crashed", `could not load the function's code: ${String(error)}`),
        );
        return;
    }
  }

  /** Serves a binding call of an invocation of `version` with the binding host, checked against its bindings. */
  #serveBindingCall(
    worker: WorkerHandle,
    message: Extract<FromWorker, { type: "binding-call" }>,
    version: VersionSpec,
  ): void {
    const { callId } = message;
    const answer = (ok: boolean, value: unknown) =>
      worker.send({ type: "binding-result", id: message.id, callId, ok, value });
    const binding = version.config.bindings.find((b) => b.name === message.binding);
    const host = this.#options.bindingHost;
    if (binding === undefined || host === undefined) {
      answer(false, `this function has no binding named ${message.binding}`);
      return;
    }
    host({
      version,
      binding,
      op: message.op,
      args: message.args,
      ...(message.chain === undefined ? {} : { chain: message.chain }),
      invocationId: message.id,
    }).then(
      (value) => answer(true, value),
      (error: unknown) => answer(false, error instanceof Error ? error.message : String(error)),
    );
  }

  #onExit(lane: WorkerLane, worker: WorkerHandle, reason: string): void {
    // A direct-plane worker reports its short invocations only while watched: unwatched, it may have died of
    // one nobody heard of, which must neither go unnamed next time nor have another tenant blamed for it.
    // A worker the watchdog killed for a direct invocation died of that one, seen or not the others.
    const unseen = (this.#direct?.mayHideRuns(worker) ?? false) && !this.#directWatchdogKills.has(worker);
    this.#direct?.exited(worker);
    this.#relayed.exited(worker);
    // Direct-plane invocations die with their connections: suspects, but nothing to answer or run again.
    const direct = this.#directRuns.take(worker);
    const inFlight = [...this.#pending].filter(([, p]) => p.worker === worker);
    for (const [id, pending] of inFlight) {
      if (pending.kind !== "check") continue;
      this.#pending.delete(id);
      clearTimeout(pending.timer);
      pending.resolve({
        ok: false,
        error: {
          message:
            "the code could not be compiled: the compiler ran out of resources (is the bundle too large?)",
        },
      });
    }
    const invokes = inFlight.flatMap(([id, p]) => (p.kind === "invoke" ? [{ id, pending: p }] : []));
    // Closing the runtime, or retiring an idle worker, is no crash: nobody is to blame.
    const expected = this.#closed || worker.retired;
    const suspects: Suspect[] = [
      ...invokes.map(({ pending: { version } }) => ({
        versionId: version.id,
        tenant: version.tenant,
        functionName: version.functionName,
      })),
      ...direct.map(({ suspect }) => suspect),
    ];
    if (unseen && !expected) this.#direct?.watch(Date.now() + DIRECT_WATCH_MS);
    const verdict =
      expected || suspects.length === 0 ? undefined : this.#ledger.workerDied(suspects, reason, unseen);
    if (verdict?.quarantine !== undefined) this.quarantine(verdict.quarantine);
    if (verdict !== undefined)
      this.#probationChanged(
        verdict.probation.map((s) => s.versionId),
        [],
      );
    const ambiguous = (verdict?.probation.length ?? 0) > 1 || (verdict !== undefined && unseen);
    // A V8 heap OOM aborts the whole worker; with a single invocation in flight it is the one to blame.
    const blameMemory =
      invokes.length === 1 && direct.length === 0 && !unseen && HEAP_OOM.test(worker.stderrTail);
    let rerun = 0;
    for (const { id, pending } of invokes) {
      if (pending.timedOut) {
        this.#settle(id, "timeout", "the invocation did not finish within its timeout and grace period");
      } else if (ambiguous && pending.mayRerun && !pending.started) {
        this.#pending.delete(id);
        clearTimeout(pending.watchdog);
        pending.resolve({ rerun: true });
        rerun++;
      } else {
        this.#settle(id, blameMemory ? "exceededMemory" : "crashed", `the runtime worker ended (${reason})`);
      }
    }
    const restart = lane.exited(worker);
    if (expected) return;
    const emit = this.#options.onEvent ?? (() => {});
    emit({
      type: "worker-exit",
      slot: lane.slot,
      role: lane.role,
      pid: worker.pid,
      reason,
      inFlight: inFlight.length + direct.length,
      suspects: (verdict?.probation ?? []).map((s) => `${s.tenant}/${s.functionName}@${s.versionId}`),
      rerun,
    });
    if (verdict !== undefined) {
      for (const suspect of verdict.probation)
        emit({ type: "probation", ...suspect, until: verdict.probationUntil });
      if (verdict.strike !== undefined)
        emit({ type: "strike", ...verdict.strike.suspect, strikes: verdict.strike.strikes });
      if (verdict.quarantine !== undefined) emit({ type: "quarantined", info: { ...verdict.quarantine } });
    }
    if (restart !== undefined) emit({ type: "worker-restart", slot: lane.slot, role: lane.role, ...restart });
  }

  #watchdogKill(invocationId: string): void {
    const pending = this.#pending.get(invocationId);
    if (pending?.kind !== "invoke") return;
    pending.timedOut = true;
    const { lane, worker } = pending;
    this.#options.onEvent?.({ type: "watchdog-kill", slot: lane.slot, role: lane.role, invocationId });
    worker.kill("the watchdog found an invocation past its deadline");
  }

  /** Tells the direct plane's workers which versions are in probation now, when that changed. */
  #probationChanged(added: string[], released: string[]): void {
    let changed = false;
    for (const id of added) {
      if (this.#probationIds.has(id)) continue;
      this.#probationIds.add(id);
      changed = true;
    }
    for (const id of released) if (this.#probationIds.delete(id)) changed = true;
    if (changed) this.#direct?.probationChanged([...this.#probationIds]);
  }

  /** A direct-plane invocation outlived its deadline and the grace: its worker is stuck, as for `#watchdogKill`. */
  #watchdogKillDirect(worker: WorkerHandle, invocationId: string): void {
    const lane = this.#lanes.find((candidate) => candidate.worker === worker);
    if (lane === undefined || !worker.alive) return;
    this.#options.onEvent?.({ type: "watchdog-kill", slot: lane.slot, role: lane.role, invocationId });
    this.#directWatchdogKills.add(worker);
    worker.kill("the watchdog found an invocation past its deadline");
  }

  /** Ends probation that ran its course; samples every worker's RSS against the cap. */
  #housekeep(): void {
    if (this.#closed) return;
    const released = this.#ledger.sweep();
    for (const versionId of released) this.#probation.release(versionId);
    this.#probationChanged([], released);
    void this.#rssCap.check(this.#allLanes());
    this.#killSilentPlaneWorkers();
  }

  /**
   * Kills the direct plane's workers that answered nothing for `planeStuckMs`: the supervisor knows a direct
   * invocation only once it has run a while, so one that stops its worker's event loop at once has no watchdog.
   */
  #killSilentPlaneWorkers(): void {
    if (this.#direct === undefined || this.#direct.silentWorkers(Date.now()).length === 0) return;
    // Looked at again once this loop has read what came in meanwhile: its own stall must not count as theirs.
    setImmediate(() => {
      if (this.#closed) return;
      for (const worker of this.#direct?.silentWorkers(Date.now()) ?? []) {
        const lane = this.#lanes.find((candidate) => candidate.worker === worker);
        if (lane === undefined || !worker.alive) continue;
        const silentMs = this.#options.planeStuckMs;
        this.#options.onEvent?.({
          type: "unresponsive-kill",
          slot: lane.slot,
          role: lane.role,
          pid: worker.pid,
          silentMs,
        });
        worker.kill(`the runtime worker answered nothing for ${silentMs} ms`);
      }
    });
  }

  #settle(invocationId: string, outcome: "crashed" | "timeout" | "exceededMemory", message: string): void {
    const pending = this.#pending.get(invocationId);
    if (pending?.kind !== "invoke") return;
    this.#pending.delete(invocationId);
    clearTimeout(pending.watchdog);
    pending.resolve({
      result: pending.response.finish(crashedResult(invocationId, outcome, message), message),
    });
  }
}

/** The result of an invocation whose worker could not finish it. */
function crashedResult(
  invocationId: string,
  outcome: "crashed" | "timeout" | "exceededMemory",
  message: string,
): InvocationResult {
  return {
    invocationId,
    outcome,
    cold: false,
    cpuMs: 0,
    wallMs: 0,
    logs: [],
    droppedLogLines: 0,
    error: { name: "RuntimeError", message },
  };
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
