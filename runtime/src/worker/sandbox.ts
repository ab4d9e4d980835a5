// One isolate running one version's module: created cold, reused warm, one invocation at a time.
import { randomBytes } from "node:crypto";
import type { Binding, CodeBundle, InvocationEvent } from "@skiff/core";
import ivm from "isolated-vm";
import type { InvocationMeta } from "../prelude/invocation-events.js";
import type { CompileCache } from "./compile-cache.js";
import { exactBytes, withExactBytes } from "./exact-bytes.js";
import { ModuleGraph } from "./module-graph.js";
import { PRELUDE_FILENAME, preludeCodeCache } from "./prelude-code-cache.js";
import { preludeSource } from "./prelude-source.js";
import { type SandboxResult, toSandboxResult } from "./sandbox-result.js";
import { isSerializedRequestUrl } from "./serialized-url.js";
import type { SliceGuard } from "./slice-guard.js";
import { WARM_UP_SOURCE } from "./warm-up.js";

export type { SandboxResult } from "./sandbox-result.js";

const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;
const MAX_RANDOM_BYTES = 65_536;
/**
 * Host calls (timers, random bytes, async work) one invocation may make. Each call costs the worker's event
 * loop, which other tenants share, so a loop of calls must end in an error rather than starve them.
 */
export const HOST_CALL_BUDGET = 50_000;

/** What `dispatchSliced` returns when its synchronous first slice was stopped at its bound. */
export const SLICE_CUT = "slice-cut";
export type SliceCut = typeof SLICE_CUT;

/** The prelude's dispatch split in three for a synchronous first slice (see `dispatchSliced`). */
interface SlicedDispatch {
  /** Starts a dispatch and notes how it settles (in microtasks that run before the call returns). */
  start: ivm.Reference<(event: unknown, meta: unknown) => void>;
  /** `start` for an HTTP event passed as primitives (see `httpArguments`). */
  startHttp: ivm.Reference<(...args: unknown[]) => void>;
  /** Sets the meta fields `startHttp` does not take (see `FixedMeta`). */
  fix: ivm.Reference<(...args: unknown[]) => void>;
  /** What the last dispatch settled with, once: `{value}`, `{failed}`, or undefined while it waits. */
  take: ivm.Reference<() => unknown>;
  /** The last dispatch's promise, for one that was still waiting when its slice ended. */
  pending: ivm.Reference<() => Promise<unknown>>;
}

/**
 * Runs in each isolate after the prelude and before any tenant code, so the built-ins it captures (Promise's
 * `then`, `Reflect.apply`) are the real ones whatever tenant code later replaces. It calls the prelude's own
 * dispatch, so results, errors and stack traces are those of the asynchronous path.
 */
const SLICED_SOURCE = `(() => {
  const dispatch = globalThis.__skiffInternal.dispatch;
  const apply = Reflect.apply;
  const bind = Function.prototype.bind;
  const then = Promise.prototype.then;
  const String_ = String;
  const resolved = Promise.resolve();
  let settled;
  let pending;
  const onValue = (value) => { settled = { value }; };
  const onFailure = (error) => { settled = { failed: String_(error && error.message) }; };
  const parse = JSON.parse;
  let fixed;
  const start = (event, meta) => {
    settled = undefined;
    // Called from a promise job, not from here: no frame of ours sits under the handler's in a stack trace.
    pending = apply(then, resolved, [apply(bind, dispatch, [undefined, event, meta])]);
    apply(then, pending, [onValue, onFailure]);
  };
  globalThis.__skiffSliced = {
    start,
    // The meta fields fixed for the isolate's life (its version's), sent once rather than with every event.
    fix(tenant, functionName, version, memoryMb) {
      fixed = { tenant, functionName, version, memoryMb };
    },
    // An HTTP event and its meta from primitives (see httpArguments in sandbox.ts), rebuilt as the same plain
    // objects the copied ones would be. Object literals define their properties (no setter a tenant put on
    // Object.prototype runs), and JSON.parse is the one captured here, before any tenant code.
    startHttp(method, url, headers, body, clientIp, urlSerialized, invocationId, deadline, eventId) {
      const h = parse(headers);
      const event = clientIp === undefined
        ? (urlSerialized
          ? { kind: "http", method, url, headers: h, body, urlSerialized: true }
          : { kind: "http", method, url, headers: h, body })
        : (urlSerialized
          ? { kind: "http", method, url, headers: h, body, clientIp, urlSerialized: true }
          : { kind: "http", method, url, headers: h, body, clientIp });
      const { tenant, functionName, version, memoryMb } = fixed;
      start(event, eventId === undefined
        ? { invocationId, tenant, functionName, version, memoryMb, deadline }
        : { invocationId, tenant, functionName, version, memoryMb, deadline, eventId });
    },
    take() {
      const out = settled;
      settled = undefined;
      if (out !== undefined) pending = undefined;
      return out;
    },
    pending() {
      const out = pending;
      pending = undefined;
      return out;
    },
  };
})();`;

/** Options of a call bounded by the slice guard rather than a `timeout`. */
const NO_OPTIONS = {};
/**
 * `startHttp`'s options for an event with a body: the `copy` option copies it (and wraps each primitive, which
 * costs a little); measured cheaper than an ExternalCopy of the body alone (≈ 3 % of a 10 KB echo).
 */
const START_HTTP_WITH_BODY = { arguments: { copy: true } } as const;

/** `startHttp`'s call options: primitives cross as such, a body (index 3) needs `copy`; `timeout` unless guarded. */
function startHttpOptions(
  http: unknown[],
  timeout: number | undefined,
): ivm.RunOptions & { arguments?: { copy: true } } {
  const copy = http[3] !== null;
  if (timeout === undefined) return copy ? START_HTTP_WITH_BODY : NO_OPTIONS;
  return copy ? { arguments: { copy: true }, timeout } : { timeout };
}

/** isolated-vm's message for a synchronous call stopped by its `timeout` (run_with_timeout.h). */
const TIMED_OUT = "Script execution timed out.";

// One definition of what the host tells the prelude about an invocation (a type only: nothing is loaded).
export type { InvocationMeta } from "../prelude/invocation-events.js";

/**
 * Asynchronous host work an invocation may start from the isolate (`callHost(name, args)` in the prelude).
 * Arguments are untrusted copies from the isolate: each handler validates them. The result must be plain data.
 */
export type HostCallHandlers = Record<string, (args: unknown, signal: AbortSignal) => Promise<unknown>>;

/**
 * The handlers, or a function making them on the invocation's first host call: most warm invocations make
 * none, and building the handlers (a closure per binding kind and per call) cost more than their dispatch.
 */
export type HostCalls = HostCallHandlers | (() => HostCallHandlers);

/** How a version's module is loaded into an isolate: fixed for the isolate's life. */
export interface LoadOptions {
  /**
   * False turns off compiling strings (`eval`, `new Function`, …) before the module runs (the tenant's setting,
   * `VersionSpec.allowCodeGeneration`). Default true.
   */
  allowCodeGeneration?: boolean;
}

/**
 * Runs a host callback for the isolate. An error it throws reaches tenant code, and isolated-vm would copy the
 * host's stack (file paths of the platform) along: only the error's type and message cross.
 */
function hostSide<A extends unknown[], R>(work: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    try {
      return work(...args);
    } catch (error) {
      const plain = error instanceof RangeError ? new RangeError() : new TypeError();
      plain.message = error instanceof Error ? error.message : "host call failed";
      plain.stack = `${plain.name}: ${plain.message}`;
      throw plain;
    }
  };
}

/** The event with every byte view in it cut to exactly its own bytes before it crosses (exact-bytes.ts). */
function ownedEvent(event: InvocationEvent): InvocationEvent {
  if (event.kind !== "http") return withExactBytes(event);
  if (event.body === null) return event;
  const body = exactBytes(event.body);
  return body === event.body ? event : { ...event, body };
}

/**
 * The event as it crosses into the isolate: its bytes its own (`ownedEvent`), and, for an HTTP event, a mark
 * telling the prelude when its URL needs no parsing (see serialized-url.ts).
 */
function withUrlCheck(event: InvocationEvent): InvocationEvent | (InvocationEvent & { urlSerialized: true }) {
  const owned = ownedEvent(event);
  return owned.kind === "http" && isSerializedRequestUrl(owned.url)
    ? { ...owned, urlSerialized: true }
    : owned;
}

/** The meta fields of an isolate's version: the same for all its invocations, so sent once (SLICED_SOURCE `fix`). */
type FixedMeta = Pick<InvocationMeta, "tenant" | "functionName" | "version" | "memoryMb">;

/**
 * The arguments of SLICED_SOURCE's `startHttp` for an HTTP event and its meta, or undefined for any other event
 * or an unusual one (copied whole, as before). Copying two objects in costs a structured clone on each side of
 * the crossing; primitives cross for almost nothing, and the header list crosses as one JSON string, parsed in
 * the isolate (only a list of string pairs goes that way, which JSON leaves unchanged). A body (index 3) needs
 * the `copy` option (see `START_HTTP_WITH_BODY`).
 */
function httpArguments(
  event: InvocationEvent,
  meta: InvocationMeta,
): Array<ivm.Transferable | Uint8Array> | undefined {
  if (event.kind !== "http") return undefined;
  const { method, url, headers, body, clientIp } = event;
  // A caller's own mark (see withUrlCheck) is kept; any other value of it goes the copied way.
  const marked = (event as { urlSerialized?: unknown }).urlSerialized;
  if (
    typeof method !== "string" ||
    typeof url !== "string" ||
    !Array.isArray(headers) ||
    (body !== null && !(body instanceof Uint8Array)) ||
    (clientIp !== undefined && typeof clientIp !== "string") ||
    (marked !== undefined && marked !== true) ||
    typeof meta.invocationId !== "string" ||
    typeof meta.deadline !== "number" ||
    (meta.eventId !== undefined && typeof meta.eventId !== "string")
  )
    return undefined;
  for (const pair of headers) {
    if (
      !Array.isArray(pair) ||
      pair.length !== 2 ||
      typeof pair[0] !== "string" ||
      typeof pair[1] !== "string"
    )
      return undefined;
  }
  return [
    method,
    url,
    JSON.stringify(headers),
    body === null ? null : exactBytes(body),
    clientIp,
    marked === true || isSerializedRequestUrl(url),
    meta.invocationId,
    meta.deadline,
    meta.eventId,
  ];
}

/** Whether `meta`'s fixed fields are primitives that cross as such and equal to `last` (what the isolate has). */
function fixedMetaOf(meta: InvocationMeta, last: FixedMeta | undefined): FixedMeta | "same" | undefined {
  const { tenant, functionName, version, memoryMb } = meta;
  if (
    typeof tenant !== "string" ||
    typeof functionName !== "string" ||
    typeof version !== "number" ||
    typeof memoryMb !== "number"
  )
    return undefined;
  if (
    last !== undefined &&
    last.tenant === tenant &&
    last.functionName === functionName &&
    last.version === version &&
    last.memoryMb === memoryMb
  )
    return "same";
  return { tenant, functionName, version, memoryMb };
}

export class Sandbox {
  readonly memoryMb: number;
  readonly isolate: ivm.Isolate;
  /** Heap bytes measured after the module loaded: the pool's memory estimate for this isolate. */
  heapBytes = 0;
  #versionId: string | undefined;
  #context: ivm.Context | undefined;
  #setup: ivm.Reference<(namespace: unknown, vars: unknown, bindings: unknown) => void> | undefined;
  #dispatch: ivm.Reference<(event: unknown, meta: unknown) => Promise<unknown>> | undefined;
  /** The dispatch split for a synchronous first slice (SLICED_SOURCE). */
  #sliced: SlicedDispatch | undefined;
  #fireTimer: ivm.Reference<(id: number) => void> | undefined;
  #disableCodeGeneration: ivm.Reference<() => void> | undefined;
  #settleHostCall: ivm.Reference<(id: number, ok: boolean, value: unknown) => void> | undefined;
  #timers = new Map<number, NodeJS.Timeout>();
  #hostCallsMade = 0;
  /**
   * Host calls of the running invocation; aborted when it ends. The controller is made by the first host call:
   * most invocations make none, and aborting one costs an exception object.
   */
  #hostCalls: { handlers: HostCalls; abort: AbortController | undefined } | undefined;
  /**
   * Host calls made during a synchronous slice, started once the slice returned: none may leave the worker
   * while the slice could still be cut (and the invocation run again), and the isolate could not see their
   * answers before its next slice anyway.
   */
  #queuedHostCalls: Array<() => void> | undefined;
  #lateCrossings = 0;
  /** The fixed meta fields the isolate was last given (SLICED_SOURCE `fix`). */
  #fixedMeta: FixedMeta | undefined;

  constructor(memoryMb: number) {
    this.memoryMb = memoryMb;
    this.isolate = new ivm.Isolate({ memoryLimit: memoryMb });
  }

  /** The version whose module this isolate runs; empty until `loadModule`. */
  get versionId(): string {
    return this.#versionId ?? "";
  }

  /** True once the prelude ran: a spare isolate ready to take any version's module. */
  get prepared(): boolean {
    return this.#context !== undefined;
  }

  get loaded(): boolean {
    return this.#versionId !== undefined;
  }

  get disposed(): boolean {
    return this.isolate.isDisposed;
  }

  /** Creates the context and runs the prelude: the part of a cold start that no tenant code takes part in. */
  async prepare(): Promise<void> {
    const context = await this.isolate.createContext();
    await context.evalClosure(
      "globalThis.__skiffHost = { randomBytes: $0, scheduleTimer: $1, cancelTimer: $2, call: $3 };",
      [
        // Synchronous on purpose: each call waits for the host, so a loop of calls slows the isolate down
        // instead of flooding the worker's event loop (which also runs the limit checks).
        new ivm.Callback(hostSide((length: unknown) => this.#charge() && this.#randomBytes(length))),
        new ivm.Callback(
          hostSide((id: unknown, delay: unknown) => this.#charge() && this.#scheduleTimer(id, delay)),
        ),
        new ivm.Callback(hostSide((id: unknown) => this.#charge() && this.#cancelTimer(id))),
        new ivm.Callback(
          hostSide(
            (id: unknown, name: unknown, args: unknown) =>
              this.#charge() && this.#startHostCall(id, name, args),
          ),
        ),
      ],
    );
    const prelude = await this.isolate.compileScript(preludeSource(), {
      filename: PRELUDE_FILENAME,
      ...preludeCodeCache.compileOptions(),
    });
    // The typings omit it, but a script compiled with produceCachedData carries `cachedData`.
    preludeCodeCache.settle(prelude as ivm.Script & ivm.CachedDataResult);
    await prelude.run(context, { release: true });
    const internal = await context.global.get("__skiffInternal", { reference: true });
    this.#setup = await internal.get("setup", { reference: true });
    this.#dispatch = await internal.get("dispatch", { reference: true });
    this.#fireTimer = await internal.get("fireTimer", { reference: true });
    this.#settleHostCall = await internal.get("settleHostCall", { reference: true });
    this.#disableCodeGeneration = await internal.get("disableCodeGeneration", { reference: true });
    internal.release();
    // Before tenant code exists: the split dispatch captures the built-ins it uses.
    await context.eval(SLICED_SOURCE);
    const sliced = await context.global.get("__skiffSliced", { reference: true });
    this.#sliced = {
      start: await sliced.get("start", { reference: true }),
      startHttp: await sliced.get("startHttp", { reference: true }),
      fix: await sliced.get("fix", { reference: true }),
      take: await sliced.get("take", { reference: true }),
      pending: await sliced.get("pending", { reference: true }),
    };
    sliced.release();
    await context.global.delete("__skiffSliced");
    await context.global.delete("__skiffInternal");
    this.#context = context;
  }

  /**
   * Compiles the Web APIs most handlers use by calling them once (warm-up.ts): for spares, which wait for a
   * cold start anyway, so that the first request in the isolate does not pay for it.
   */
  async warm(): Promise<void> {
    const context = this.#context;
    if (context === undefined || this.#versionId !== undefined)
      throw new Error("only a prepared sandbox without a module is warmed");
    await context.eval(WARM_UP_SOURCE, { promise: true });
  }

  /** Compiles, links and evaluates a version's modules in a prepared isolate (runs tenant top-level code). */
  async loadModule(
    versionId: string,
    bundle: CodeBundle,
    env: Record<string, unknown>,
    cache?: CompileCache,
    bindings: readonly Binding[] = [],
    options: LoadOptions = {},
  ): Promise<void> {
    const context = this.#context;
    const setup = this.#setup;
    const disableCodeGeneration = this.#disableCodeGeneration;
    if (context === undefined || setup === undefined || disableCodeGeneration === undefined)
      throw new Error("sandbox is not prepared");
    if (this.#versionId !== undefined) throw new Error("sandbox already holds a module");
    // Before any tenant code runs, so that none of it can keep a way to compile strings.
    if (options.allowCodeGeneration === false) await disableCodeGeneration.apply(undefined, []);
    disableCodeGeneration.release();
    this.#disableCodeGeneration = undefined;
    const namespace = await new ModuleGraph(this.isolate, bundle, cache).evaluate(context);
    const descriptors = bindings.map((binding) => ({ type: binding.type, name: binding.name }));
    await setup.apply(undefined, [
      namespace.derefInto(),
      new ivm.ExternalCopy(env).copyInto(),
      new ivm.ExternalCopy(descriptors).copyInto(),
    ]);
    setup.release();
    this.#setup = undefined;
    this.#versionId = versionId;
    const stats = await this.isolate.getHeapStatistics();
    this.heapBytes = stats.used_heap_size + stats.externally_allocated_size;
  }

  /** Prepares (if needed) and loads the modules: a whole cold start. */
  async load(
    versionId: string,
    bundle: CodeBundle,
    env: Record<string, unknown>,
    cache?: CompileCache,
    bindings: readonly Binding[] = [],
    options: LoadOptions = {},
  ): Promise<void> {
    if (!this.prepared) await this.prepare();
    await this.loadModule(versionId, bundle, env, cache, bindings, options);
  }

  /**
   * Runs one event through the prelude's dispatcher. Host calls the handler makes (the response, its body
   * chunks, fetch, bindings) go to `hostCalls`. Rejects only if the isolate dies.
   */
  async dispatch(
    event: InvocationEvent,
    meta: InvocationMeta,
    hostCalls: HostCalls = {},
  ): Promise<SandboxResult> {
    if (this.#dispatch === undefined || this.#versionId === undefined)
      throw new Error("sandbox is not loaded");
    this.#begin(hostCalls);
    try {
      // Both arguments are copied in as plain data (no references cross); letting isolated-vm copy them costs
      // less than building an ExternalCopy per argument.
      const raw = await this.#dispatch.apply(undefined, [withUrlCheck(event), meta], {
        arguments: { copy: true },
        result: { promise: true, copy: true },
      });
      return toSandboxResult(raw);
    } finally {
      this.#end();
    }
  }

  /**
   * `dispatch`, with its first slice run synchronously: `applySync` costs the worker ≈ 10 µs where an
   * asynchronous `apply` costs ≈ 100 µs (isolated-vm's thread-pool hop and the wake-up back through libuv).
   * Microtasks run before `applySync` returns, so a handler that needs nothing from outside has finished by
   * then: its (copied) result is taken with a second, tiny synchronous call and returned at once — not in a
   * promise, so that the caller can give the isolate back before the worker handles the next message of the
   * same batch (an await there would make every message of a batch take an isolate of its own). A handler
   * still waiting for a timer or a host call is awaited as `dispatch` would be, and a promise is returned. The
   * slice stops after `sliceMs` of wall time (by `guard` when it can watch it, else by isolated-vm's
   * `timeout`): then SLICE_CUT is returned, no host call it made was started, and the isolate is disposed or
   * half way through tenant code (the caller discards it). Throws (or rejects) like `dispatch`.
   */
  dispatchSliced(
    event: InvocationEvent,
    meta: InvocationMeta,
    hostCalls: HostCalls,
    sliceMs: number,
    guard?: SliceGuard,
  ): SandboxResult | SliceCut | Promise<SandboxResult> {
    const sliced = this.#sliced;
    if (sliced === undefined || this.#versionId === undefined) throw new Error("sandbox is not loaded");
    this.#begin(hostCalls);
    const queued: Array<() => void> = [];
    this.#queuedHostCalls = queued;
    let waiting = false;
    try {
      const token = guard?.arm(this.isolate, sliceMs);
      let thrown: { error: unknown } | undefined;
      try {
        // Copied in as plain data either way (no references cross); see `httpArguments`.
        const timeout = token === undefined ? Math.max(1, Math.floor(sliceMs)) : undefined;
        const fixed = fixedMetaOf(meta, this.#fixedMeta);
        const http = fixed === undefined ? undefined : httpArguments(event, meta);
        if (http !== undefined && fixed !== undefined) {
          if (fixed !== "same") this.#fix(sliced, fixed);
          sliced.startHttp.applySync(undefined, http as ivm.Transferable[], startHttpOptions(http, timeout));
        } else {
          sliced.start.applySync(undefined, [withUrlCheck(event), meta], {
            arguments: { copy: true },
            ...(timeout === undefined ? {} : { timeout }),
          });
        }
      } catch (error) {
        thrown = { error };
      }
      this.#queuedHostCalls = undefined;
      // Disarmed first thing: the guard may stop the slice up to this point, even after the call returned.
      if (token !== undefined && guard?.disarm(token) === false) return SLICE_CUT;
      if (thrown !== undefined) {
        if (thrown.error instanceof Error && thrown.error.message === TIMED_OUT) return SLICE_CUT;
        throw thrown.error;
      }
      // Our own code only (it reads what the dispatch settled with): no tenant code runs in this call.
      const taken = sliced.take.applySync(undefined, [], { result: { copy: true } }) as
        | { value: unknown }
        | { failed: string }
        | undefined;
      for (const startCall of queued) startCall();
      if (taken === undefined) {
        waiting = true;
        return this.#awaitPending(sliced.pending);
      }
      if ("failed" in taken) throw new Error(taken.failed);
      return toSandboxResult(taken.value);
    } finally {
      if (!waiting) this.#end();
    }
  }

  /** Gives the isolate its version's fixed meta fields (SLICED_SOURCE `fix`). */
  #fix(sliced: SlicedDispatch, fixed: FixedMeta): void {
    // Forgotten first: should this call fail, the next one sends them again.
    this.#fixedMeta = undefined;
    sliced.fix.applySync(undefined, [fixed.tenant, fixed.functionName, fixed.version, fixed.memoryMb]);
    this.#fixedMeta = fixed;
  }

  /** The rest of a dispatch whose first slice left it waiting: awaited like `dispatch`. */
  async #awaitPending(pending: ivm.Reference<() => Promise<unknown>>): Promise<SandboxResult> {
    try {
      return toSandboxResult(await pending.apply(undefined, [], { result: { promise: true, copy: true } }));
    } finally {
      this.#end();
    }
  }

  /**
   * Crossings into the isolate after the first call of the last dispatch (timers fired, host calls settled):
   * 0 when the handler finished within that call, as only such a crossing can settle a dispatch left waiting.
   */
  get lateCrossings(): number {
    return this.#lateCrossings;
  }

  #begin(hostCalls: HostCalls): void {
    this.#hostCalls = { handlers: hostCalls, abort: undefined };
    this.#hostCallsMade = 0;
    this.#lateCrossings = 0;
  }

  #end(): void {
    this.#clearTimers();
    this.#hostCalls?.abort?.abort();
    this.#hostCalls = undefined;
  }

  dispose(): void {
    this.#clearTimers();
    this.#hostCalls?.abort?.abort();
    try {
      if (!this.isolate.isDisposed) this.isolate.dispose();
    } catch {
      // Disposed meanwhile by the slice guard's thread (slice-guard.ts).
    }
  }

  /** Counts a host call against the budget; throws into the isolate once it is spent. */
  #charge(): true {
    if (++this.#hostCallsMade > HOST_CALL_BUDGET) {
      throw new RangeError(
        `SUBREQUEST_LIMIT: too many host calls in one invocation (timers, crypto, fetch): the limit is ${HOST_CALL_BUDGET}`,
      );
    }
    return true;
  }

  #randomBytes(length: unknown): ArrayBuffer {
    if (!Number.isInteger(length) || (length as number) < 0 || (length as number) > MAX_RANDOM_BYTES) {
      throw new RangeError("randomBytes: invalid length");
    }
    const bytes = randomBytes(length as number);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  }

  #scheduleTimer(id: unknown, delay: unknown): void {
    // Between invocations no tenant code may be woken up.
    if (!Number.isInteger(id) || typeof delay !== "number" || this.#hostCalls === undefined) return;
    const ms = Math.max(0, Math.min(delay, MAX_TIMER_DELAY_MS));
    this.#cancelTimer(id);
    const timer = setTimeout(() => {
      this.#timers.delete(id as number);
      this.#lateCrossings++;
      if (!this.isolate.isDisposed) this.#fireTimer?.applyIgnored(undefined, [id as number]);
    }, ms);
    this.#timers.set(id as number, timer);
  }

  #startHostCall(id: unknown, name: unknown, args: unknown): void {
    if (!Number.isInteger(id)) return;
    const queued = this.#queuedHostCalls;
    if (queued !== undefined) {
      queued.push(() => this.#startHostCall(id, name, args));
      return;
    }
    const calls = this.#hostCalls;
    const settle = (ok: boolean, value: unknown) => {
      // Only the invocation that started the call may see its answer.
      if (this.#hostCalls !== calls || calls === undefined || this.isolate.isDisposed) return;
      this.#lateCrossings++;
      this.#settleHostCall
        ?.apply(undefined, [id as number, ok, withExactBytes(value)], { arguments: { copy: true } })
        .catch(() => {});
    };
    if (calls !== undefined && typeof calls.handlers === "function") calls.handlers = calls.handlers();
    const handlers = calls?.handlers as HostCallHandlers | undefined;
    const handler =
      typeof name === "string" && handlers !== undefined
        ? Object.hasOwn(handlers, name) && handlers[name]
        : undefined;
    if (!handler || calls === undefined) {
      settle(false, `${String(name)} is not available here`);
      return;
    }
    calls.abort ??= new AbortController();
    handler(args, calls.abort.signal).then(
      (value) => settle(true, value),
      (error: unknown) => settle(false, error instanceof Error ? error.message : String(error)),
    );
  }

  #cancelTimer(id: unknown): void {
    const timer = this.#timers.get(id as number);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#timers.delete(id as number);
  }

  #clearTimers(): void {
    // Most invocations set no timer: spare them the iterator.
    if (this.#timers.size === 0) return;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}
