// Runs invocations inside one runtime worker: warm isolate or cold start, under the version's limits, with
// the host calls an invocation may make (its response and body chunks, outbound fetch).
import { createHmac, randomBytes } from "node:crypto";
import type { CodeBundle, InvocationEvent, InvocationResult, Outcome } from "@skiff/core";
import { bindingHostCalls, buildEnv } from "../bindings/index.js";
import type { VersionSpec } from "../types.js";
import type { CompileCache } from "./compile-cache.js";
import { HeapSampler } from "./heap-sampler.js";
import type { IsolatePool } from "./isolate-pool.js";
import { IsolateWaits, type IsolateWaitsOptions, ReleaseSignal } from "./isolate-waits.js";
import { InvocationWatch, type LimitReason } from "./limits.js";
import type { ResponseSink } from "./response-sink.js";
import {
  type HostCallHandlers,
  type InvocationMeta,
  Sandbox,
  type SandboxResult,
  SLICE_CUT,
  type SliceCut,
} from "./sandbox.js";
import { toError, toLogs, toResponseHead } from "./sandbox-result.js";
import type { SliceGuard } from "./slice-guard.js";
import type { SpareIsolates } from "./spare-isolates.js";
import { createStackMapper } from "./stack-mapper.js";
import { SyncEligibility } from "./sync-eligibility.js";

/** Thrown when the worker has neither a warm isolate nor the code of a version. */
export class CodeNeeded extends Error {}

/** How long `ctx.waitUntil` work may go on after the response (DESIGN §5). */
export const WAIT_UNTIL_MS = 30_000;
/**
 * A warm invocation runs its first slice synchronously (≈ 10 µs of the worker's CPU where an asynchronous call
 * costs ≈ 100 µs) when its key's recent invocations used less handler CPU than this (sync-eligibility.ts).
 */
export const SYNC_ELIGIBLE_CPU_MS = 2;
/**
 * The longest a synchronous slice blocks the worker's event loop (other tenants' calls, cancels, the limit
 * timers): a slice still running then is cut, and the invocation runs again asynchronously.
 */
export const SYNC_SLICE_MS = 10;

/** Counters of the synchronous path since the worker started (reported with the isolate cache's stats). */
export interface SyncPathStats {
  /** Warm invocations whose first slice ran synchronously. */
  syncSlices: number;
  /** Of those, the ones that finished within that slice (no asynchronous call at all). */
  syncFinished: number;
  /** Slices stopped by their timeout (SYNC_SLICE_MS or a limit). */
  cutSlices: number;
  /** Invocations run again asynchronously after a cut slice that spent no limit. */
  reruns: number;
}

/** What an invocation's attempts share. */
interface Run {
  invocationId: string;
  version: VersionSpec;
  event: InvocationEvent;
  sink: ResponseSink;
  eventId: string | undefined;
  started: number;
}

/** Host calls an invocation gets besides its response: outbound fetch and, later, bindings. */
export interface HostCallContext {
  version: VersionSpec;
  invocationId: string;
  event: InvocationEvent;
  /** Epoch ms the handler must finish by. */
  deadline: number;
}

export type ExtraHostCalls = (context: HostCallContext) => HostCallHandlers;

export interface InvokerOptions {
  pool: IsolatePool<Sandbox>;
  code: CodeCache;
  spares?: SpareIsolates<Sandbox>;
  compileCache?: CompileCache;
  extraHostCalls?: ExtraHostCalls;
  now?: () => number;
  /** The longest synchronous slice (SYNC_SLICE_MS by default); 0 turns the synchronous path off. */
  syncSliceMs?: number;
  /** The handler CPU under which a key's invocations run their first slice synchronously (SYNC_ELIGIBLE_CPU_MS). */
  syncEligibleCpuMs?: number;
  /**
   * Stops slices bounded by SYNC_SLICE_MS more cheaply than isolated-vm's per-call `timeout` (slice-guard.ts).
   * Slices bounded by a limit (CPU or wall time left) always use the `timeout`, so that the CPU a cut slice used
   * can still be read from its isolate.
   */
  sliceGuard?: SliceGuard;
  /** How long a request waits for an isolate of its key that is loading or finishing (isolate-waits.ts). */
  waits?: IsolateWaitsOptions;
}

export class Invoker {
  readonly #options: InvokerOptions;
  readonly #inFlight = new Map<string, InvocationWatch>();
  /** Invocations not yet watched (awaiting a finishing isolate or loading), and whether a cancel arrived meanwhile. */
  readonly #starting = new Map<string, boolean>();
  /** Per isolate key: invocations loading or finishing, whose isolate a request may wait for (isolate-waits.ts). */
  readonly #waits: IsolateWaits;
  readonly #now: () => number;
  /** Reads each invocation's `peakHeapBytes`, sparing the read for cheap warm ones (heap-sampler.ts). */
  readonly #heap = new HeapSampler<Sandbox>();
  /**
   * Isolate keys whose warm invocations run their first slice synchronously: those whose recent invocations
   * used under SYNC_ELIGIBLE_CPU_MS of handler CPU, finished within their first call into the isolate, and
   * tripped no limit nor threw out of the sandbox (sync-eligibility.ts). A cold start (loading may take long)
   * always takes the asynchronous path, and its outcome is the key's first.
   */
  readonly #syncEligible = new SyncEligibility();
  readonly #paths: SyncPathStats = { syncSlices: 0, syncFinished: 0, cutSlices: 0, reruns: 0 };

  constructor(options: InvokerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#waits = new IsolateWaits(options.waits);
  }

  /** Cancels an in-flight invocation (the client went away): its isolate is disposed. */
  cancel(invocationId: string): void {
    const watch = this.#inFlight.get(invocationId);
    if (watch !== undefined) watch.trip("canceled");
    else if (this.#starting.has(invocationId)) this.#starting.set(invocationId, true);
  }

  /**
   * Runs one invocation. A warm one of a key whose last invocation was cheap runs its first slice
   * synchronously (see `#syncEligible`); if that slice is cut at SYNC_SLICE_MS without a limit being spent,
   * the invocation runs again from the start on the asynchronous path, in another isolate.
   *
   * Why running it again is safe: nothing of the cut slice left the isolate. Its host calls (fetch, bindings,
   * the response) were queued, never started, and are dropped; its timers lived only in that isolate; its
   * logs stay there; and the isolate, whose state tenant code may have left half updated, is discarded rather
   * than reused. The tenant sees only latency: the same event reaches a fresh run of its handler, whose CPU
   * budget is what the cut slice left and whose wall deadline is the invocation's own.
   */
  async invoke(
    invocationId: string,
    version: VersionSpec,
    event: InvocationEvent,
    sink: ResponseSink,
    bundle?: CodeBundle,
    eventId?: string,
  ): Promise<InvocationResult> {
    if (bundle !== undefined) this.#options.code.set(version.id, bundle);
    const run = { invocationId, version, event, sink, eventId, started: this.#now() };
    const first = await this.#attempt(run);
    if (!("cutCpuMs" in first)) return first;
    this.#paths.reruns++;
    const again = await this.#attempt(run, first.cutCpuMs);
    // An attempt made without a synchronous slice is never cut.
    if ("cutCpuMs" in again) throw new Error("a re-run was cut");
    return again;
  }

  /** How many invocations took the synchronous path, and how many of its slices were cut (counters). */
  syncPathStats(): SyncPathStats {
    return { ...this.#paths };
  }

  /**
   * One run of an invocation in one isolate. `spentCpuMs` is given for a re-run: the CPU its cut first attempt
   * used, which comes off its budget.
   */
  async #attempt(run: Run, spentCpuMs?: number): Promise<InvocationResult | { cutCpuMs: number }> {
    const released = new ReleaseSignal();
    // Whatever happens, the isolate's waiters (isolate-waits.ts) hear that this attempt is over, or every later
    // request of its key would wait out their bounds.
    try {
      return await this.#attemptOnce(run, spentCpuMs, released);
    } finally {
      released.release();
    }
  }

  /** `#attempt`'s work; `released` is signalled once its isolate is back in the pool or gone. */
  async #attemptOnce(
    run: Run,
    spentCpuMs: number | undefined,
    released: ReleaseSignal,
  ): Promise<InvocationResult | { cutCpuMs: number }> {
    const { pool, code, spares, compileCache } = this.#options;
    const { invocationId, version, event, sink, eventId, started } = run;
    const key = isolateKey(version);
    this.#starting.set(invocationId, false);
    let sandbox: Sandbox | undefined;
    try {
      // One `acquire` per attempt, after any wait, so that the pool counts a miss only for a cold start. Taken
      // here, not in the wait: waiters woken together then get a cheap invocation's isolate in turn. A key whose
      // invocations hold their isolate (not eligible for the synchronous path) waits for no cold start.
      const wait = pool.hasIdle(key)
        ? undefined
        : this.#waits.wait(key, { loading: !this.#syncEligible.ineligible(key) });
      if (wait !== undefined) await wait;
      sandbox = pool.acquire(key);
    } catch (error) {
      this.#starting.delete(invocationId);
      throw error;
    }
    const cold = sandbox === undefined;
    // Taken before a cold start loads (after any wait), so that an eviction meanwhile is not missed.
    const generation = pool.generation(key);
    if (sandbox === undefined) {
      if (code.get(version.id) === undefined) {
        this.#starting.delete(invocationId);
        throw new CodeNeeded(version.id);
      }
      sandbox = spares?.take(version.config.memoryMb) ?? new Sandbox(version.config.memoryMb);
    }
    const deadline = started + version.config.timeoutMs;
    const rerun = spentCpuMs !== undefined;
    const eligible = !cold && !rerun && this.#syncEligible.has(key);
    const watch = new InvocationWatch(
      sandbox.isolate,
      {
        cpuMs: version.config.cpuMs - (spentCpuMs ?? 0),
        timeoutMs: rerun ? Math.max(1, deadline - this.#now()) : version.config.timeoutMs,
      },
      // Armed below unless a synchronous slice, which its bound keeps within the limits, ends the invocation.
      { deferTimers: eligible },
    );
    this.#inFlight.set(invocationId, watch);
    if (this.#starting.get(invocationId) === true) watch.trip("canceled");
    this.#starting.delete(invocationId);
    let markLoaded: () => void = () => {};
    if (cold) {
      const loaded = new Promise<void>((resolve) => {
        markLoaded = resolve;
      });
      this.#waits.loading(key, loaded, released.promise);
    }
    const response = new ResponseRelay(sink, () => {
      watch.extendWall(WAIT_UNTIL_MS);
      this.#waits.finishing(key, released.promise);
    });
    const slice = eligible ? this.#slice(watch) : undefined;
    if (slice === undefined) watch.arm();
    let result: SandboxResult | SliceCut = SLICE_CUT;
    let threw = false;
    let cutWallMs: number | undefined;
    try {
      if (cold) {
        watch.startCold();
        try {
          await sandbox.load(
            key,
            code.get(version.id) as CodeBundle,
            buildEnv(version),
            compileCache,
            version.config.bindings ?? [],
            { allowCodeGeneration: version.allowCodeGeneration !== false },
          );
        } finally {
          markLoaded();
        }
        pool.add(sandbox, generation);
        watch.startHandler();
      }
      const meta: InvocationMeta = {
        invocationId,
        tenant: version.tenant,
        functionName: version.functionName,
        version: version.number,
        memoryMb: version.config.memoryMb,
        deadline,
      };
      if (eventId !== undefined) meta.eventId = eventId;
      // Made on the first host call, if any (see HostCalls).
      const hostCalls = () => ({
        ...bindingHostCalls(version, deadline),
        ...this.#options.extraHostCalls?.({ version, invocationId, event, deadline }),
        ...response.handlers(),
      });
      if (slice !== undefined) {
        this.#paths.syncSlices++;
        const sliceStart = performance.now();
        // Not awaited when it finished in the slice: the isolate goes back to the pool before this worker
        // handles the next message of the batch, which can then reuse it warm.
        const sliced = sandbox.dispatchSliced(event, meta, hostCalls, slice.ms, slice.guard);
        if (sliced instanceof Promise) {
          // Left waiting for a timer or a host call: the limits' timers watch the rest.
          watch.arm();
          result = await sliced;
        } else result = sliced;
        if (result === SLICE_CUT) {
          this.#paths.cutSlices++;
          // A guard stops a slice by disposing its isolate, whose CPU can then no longer be read: its wall time
          // (never less) is charged instead.
          if (sandbox.disposed) cutWallMs = performance.now() - sliceStart;
          // A spent limit ends the invocation as the watch would have, had its timers been able to run.
          const reason = watch.tripIfSpent();
          if (reason !== undefined) result = stopped(reason);
        } else if (sandbox.lateCrossings === 0) this.#paths.syncFinished++;
      } else {
        result = await sandbox.dispatch(event, meta, hostCalls);
      }
    } catch (error) {
      threw = true;
      result = failure(error, watch, sandbox);
    } finally {
      watch.stop();
      this.#inFlight.delete(invocationId);
      // A cut slice sent nothing: the re-run answers through the same sink.
      if (result !== SLICE_CUT) response.close(watch.reason);
    }
    if (result === SLICE_CUT) {
      // Most cuts on a busy machine are the worker's thread losing its CPU during a cheap slice: a cut counts as
      // one costly invocation, so that another cut in a row, or a costly re-run (recorded next), ends the key's
      // eligibility. Made unfit at once, the invocations that arrived before its re-run ended all went on the
      // asynchronous path, an isolate each.
      this.#syncEligible.record(key, "costly");
      pool.discard(sandbox);
      return { cutCpuMs: cutWallMs ?? watch.cpuMs };
    }
    // Each read is a call into isolated-vm: read once for the eligibility here, and again just before the
    // isolate goes back to the pool (it may be disposed meanwhile, while its heap is sampled).
    const disposed = sandbox.disposed;
    this.#syncEligible.record(
      key,
      threw || watch.reason !== undefined || disposed || sandbox.lateCrossings !== 0
        ? "unfit"
        : watch.handlerCpuMs < (this.#options.syncEligibleCpuMs ?? SYNC_ELIGIBLE_CPU_MS)
          ? "cheap"
          : "costly",
    );
    const mapped = mapLocations(result, code.get(version.id));
    // Read before the isolate goes back to the pool, while it still holds this invocation's garbage.
    const peakHeapBytes = this.#heap.sample(sandbox, { cold, cpuMs: watch.cpuMs });
    if (watch.reason !== undefined || sandbox.disposed) pool.discard(sandbox);
    else if (cold && !sandbox.loaded) pool.discard(sandbox);
    else pool.release(sandbox);
    // The spare this cold start took is replaced now that it is over, once its answer has gone out.
    if (cold) setImmediate(() => spares?.refill(version.config.memoryMb));

    // Field by field in this order (the record's), leaving out the absent ones: spreading a literal per optional
    // field cost more than the rest of this function's bookkeeping.
    const out: Partial<InvocationResult> = { invocationId, outcome: result.outcome };
    if (result.response !== undefined)
      out.response = { ...result.response, body: inlineBody(result, response) };
    if (result.value !== undefined) out.value = result.value;
    if (result.noRetry !== undefined) out.noRetry = result.noRetry;
    if (result.queue !== undefined) out.queue = result.queue;
    if (mapped.error !== undefined) out.error = mapped.error;
    out.cold = cold;
    out.cpuMs = round((spentCpuMs ?? 0) + watch.cpuMs);
    out.wallMs = round(this.#now() - started);
    out.logs = mapped.logs;
    out.droppedLogLines = result.droppedLogLines;
    if (peakHeapBytes !== undefined) out.peakHeapBytes = peakHeapBytes;
    return out as InvocationResult;
  }

  /**
   * How long a synchronous slice may run (SYNC_SLICE_MS or the option, and no longer than a limit allows), and
   * the guard to stop it when SYNC_SLICE_MS is the bound. Undefined for no synchronous slice.
   */
  #slice(watch: InvocationWatch): { ms: number; guard: SliceGuard | undefined } | undefined {
    const option = this.#options.syncSliceMs;
    const limit = Number.isFinite(option) ? (option as number) : SYNC_SLICE_MS;
    const left = watch.leftMs;
    const ms = Math.min(limit, left);
    if (ms < 1) return undefined;
    return { ms, guard: limit < left ? this.#options.sliceGuard : undefined };
  }

  evict(versionId: string): void {
    this.#options.pool.evictMatching((key) => key === versionId || key.startsWith(`${versionId}#`));
    this.#options.code.delete(versionId);
  }
}

/** Keys the secrets' fingerprint, so the isolate key (held in memory only) never helps guess a secret offline. */
const SECRETS_KEY = randomBytes(32);

/**
 * Which warm isolates may serve `version`: a version's code and vars never change, but its secrets and the
 * tenant's code-generation setting can, and an isolate keeps the `env` and the setting it was loaded with. So
 * isolates are keyed by version, secret values and that setting together, and a request never lands in an
 * isolate made under other ones. Every key starts with `${version.id}` and a suffix starts with `#`.
 */
export function isolateKey(version: VersionSpec): string {
  let key = version.id;
  const secrets = version.secrets;
  if (secrets !== undefined && Object.keys(secrets).length > 0) {
    key += `#${createHmac("sha256", SECRETS_KEY)
      .update(JSON.stringify(Object.entries(secrets).sort()))
      .digest("hex")
      .slice(0, 24)}`;
  }
  if (version.allowCodeGeneration === false) key += "#no-codegen";
  return key;
}

/** Turns the prelude's response host calls into sink calls, validating each untrusted argument. */
class ResponseRelay {
  readonly #sink: ResponseSink;
  readonly #onStarted: () => void;
  #state: "idle" | "streaming" | "done" = "idle";
  #started = false;

  constructor(sink: ResponseSink, onStarted: () => void) {
    this.#sink = sink;
    this.#onStarted = onStarted;
  }

  handlers(): HostCallHandlers {
    return {
      response: async (args) => {
        if (this.#state !== "idle") throw new Error("a response was already sent");
        const head = toResponseHead(args);
        const { streaming, body } = (args ?? {}) as { streaming?: unknown; body?: unknown };
        if (head === undefined || (streaming !== true && !(body instanceof Uint8Array))) {
          throw new Error("invalid response");
        }
        this.#state = streaming === true ? "streaming" : "done";
        this.#started = true;
        this.#sink.start(streaming === true ? head : { ...head, body: body as Uint8Array });
        this.#onStarted();
        return null;
      },
      chunk: async (args) => {
        if (this.#state !== "streaming") throw new Error("no response body is being streamed");
        if (!(args instanceof Uint8Array)) throw new Error("body chunks must be Uint8Array");
        await this.#sink.chunk(args);
        return null;
      },
      end: async (args) => {
        if (this.#state !== "streaming") return null;
        this.#state = "done";
        const error = (args as { error?: unknown } | null)?.error;
        this.#sink.end(typeof error === "string" ? error : undefined);
        return null;
      },
    };
  }

  /** True once the response went out through the host calls (the sink has it). */
  get started(): boolean {
    return this.#started;
  }

  /** Ends a stream the handler left open (it was stopped by a limit, or returned without finishing). */
  close(reason: string | undefined): void {
    if (this.#state === "streaming")
      this.#sink.end(
        reason === undefined
          ? "the response stream was not finished"
          : `the invocation was stopped (${reason})`,
      );
    this.#state = "done";
  }
}

/** Points the error and log lines at the uploaded files and lines. */
function mapLocations(
  result: SandboxResult,
  bundle: CodeBundle | undefined,
): Pick<SandboxResult, "error" | "logs"> {
  // Nothing to map on the common path (no error, no log lines): skip building the mapper.
  if (bundle === undefined || (result.error === undefined && result.logs.length === 0)) return result;
  const map = createStackMapper(bundle);
  const error =
    result.error === undefined
      ? undefined
      : { ...result.error, ...(result.error.stack === undefined ? {} : { stack: map(result.error.stack) }) };
  return {
    ...(error === undefined ? {} : { error }),
    logs: result.logs.map((line) => ({ ...line, message: map(line.message) })),
  };
}

type FailedResult = Omit<SandboxResult, "outcome"> & { outcome: Outcome };

/** The result of an invocation a limit stopped (or that was canceled): its logs went with its isolate. */
function stopped(reason: LimitReason): SandboxResult {
  const result: FailedResult = { outcome: reason, logs: [], droppedLogLines: 0 };
  return result as SandboxResult;
}

/** Classifies an exception that escaped the sandbox: a tripped limit, the memory limit, or tenant code. */
function failure(error: unknown, watch: InvocationWatch, sandbox: Sandbox): SandboxResult {
  const message = error instanceof Error ? error.message : String(error);
  let result: FailedResult;
  if (watch.reason !== undefined) {
    result = { outcome: watch.reason, logs: [], droppedLogLines: 0 };
  } else if (/memory limit/i.test(message) || (sandbox.disposed && /disposed/i.test(message))) {
    result = { outcome: "exceededMemory", logs: [], droppedLogLines: 0 };
  } else {
    // A throw while loading: module top-level code, or a failed link. Its text is the tenant's (bounded like
    // any error from the isolate); it goes to the invocation record, never into a platform error body.
    const err = toError(
      error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { message },
    );
    result = {
      outcome: "exception",
      error: err,
      ...toLogs([
        { level: "error", message: `Uncaught ${err.stack ?? `${err.name}: ${err.message}`}`, ts: Date.now() },
      ]),
    };
  }
  return result as SandboxResult;
}

/**
 * The body of a response that came back with the dispatch result: it goes to the supervisor inside the
 * invocation's result, in the same message. Empty when the body went through the sink (streamed, or sent before
 * waitUntil work) — the supervisor has it from there.
 */
function inlineBody(result: SandboxResult, relay: ResponseRelay): Uint8Array {
  return result.body !== undefined && !relay.started ? result.body : new Uint8Array(0);
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** The code of versions this worker has been sent, bounded by count (oldest first out). */
export class CodeCache {
  readonly #max: number;
  readonly #entries = new Map<string, CodeBundle>();

  constructor(max = 1000) {
    this.#max = max;
  }

  get(versionId: string): CodeBundle | undefined {
    const bundle = this.#entries.get(versionId);
    if (bundle !== undefined) {
      this.#entries.delete(versionId);
      this.#entries.set(versionId, bundle);
    }
    return bundle;
  }

  set(versionId: string, bundle: CodeBundle): void {
    this.#entries.delete(versionId);
    this.#entries.set(versionId, bundle);
    for (const key of this.#entries.keys()) {
      if (this.#entries.size <= this.#max) break;
      this.#entries.delete(key);
    }
  }

  delete(versionId: string): void {
    this.#entries.delete(versionId);
  }
}
