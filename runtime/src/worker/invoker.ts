// Runs invocations inside one runtime worker: warm isolate or cold start, under the version's limits, with
// the host calls an invocation may make (its response and body chunks, outbound fetch).
import { createHmac, randomBytes } from "node:crypto";
import type { CodeBundle, InvocationEvent, InvocationResult, Outcome } from "@skiff/core";
import { bindingHostCalls, buildEnv } from "../bindings/index.js";
import type { VersionSpec } from "../types.js";
import type { CompileCache } from "./compile-cache.js";
import { HeapSampler } from "./heap-sampler.js";
import type { IsolatePool } from "./isolate-pool.js";
import { InvocationWatch } from "./limits.js";
import type { ResponseSink } from "./response-sink.js";
import { type HostCallHandlers, Sandbox, type SandboxResult } from "./sandbox.js";
import { toError, toLogs, toResponseHead } from "./sandbox-result.js";
import type { SpareIsolates } from "./spare-isolates.js";
import { createStackMapper } from "./stack-mapper.js";

/** Thrown when the worker has neither a warm isolate nor the code of a version. */
export class CodeNeeded extends Error {}

/** How long `ctx.waitUntil` work may go on after the response (DESIGN §5). */
export const WAIT_UNTIL_MS = 30_000;
/** How long a request waits for a finishing isolate of its version before starting a new one. */
const FINISHING_WAIT_MS = 20;

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
}

export class Invoker {
  readonly #options: InvokerOptions;
  readonly #inFlight = new Map<string, InvocationWatch>();
  /** Invocations not yet watched (awaiting a finishing isolate or loading), and whether a cancel arrived meanwhile. */
  readonly #starting = new Map<string, boolean>();
  /** Per isolate key: invocations that answered but have not released their isolate yet. */
  readonly #finishing = new Map<string, Set<Promise<void>>>();
  readonly #now: () => number;
  /** Reads each invocation's `peakHeapBytes`, sparing the read for cheap warm ones (heap-sampler.ts). */
  readonly #heap = new HeapSampler<Sandbox>();

  constructor(options: InvokerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Cancels an in-flight invocation (the client went away): its isolate is disposed. */
  cancel(invocationId: string): void {
    const watch = this.#inFlight.get(invocationId);
    if (watch !== undefined) watch.trip("canceled");
    else if (this.#starting.has(invocationId)) this.#starting.set(invocationId, true);
  }

  async invoke(
    invocationId: string,
    version: VersionSpec,
    event: InvocationEvent,
    sink: ResponseSink,
    bundle?: CodeBundle,
    eventId?: string,
  ): Promise<InvocationResult> {
    const { pool, code, spares, compileCache } = this.#options;
    if (bundle !== undefined) code.set(version.id, bundle);
    const started = this.#now();
    const key = isolateKey(version);
    const generation = pool.generation(key);
    this.#starting.set(invocationId, false);
    let sandbox: Sandbox | undefined;
    try {
      sandbox = pool.acquire(key) ?? (await this.#awaitFinishing(key));
    } catch (error) {
      this.#starting.delete(invocationId);
      throw error;
    }
    const cold = sandbox === undefined;
    if (sandbox === undefined) {
      if (code.get(version.id) === undefined) {
        this.#starting.delete(invocationId);
        throw new CodeNeeded(version.id);
      }
      sandbox = spares?.take(version.config.memoryMb) ?? new Sandbox(version.config.memoryMb);
    }
    const watch = new InvocationWatch(sandbox.isolate, {
      cpuMs: version.config.cpuMs,
      timeoutMs: version.config.timeoutMs,
    });
    this.#inFlight.set(invocationId, watch);
    if (this.#starting.get(invocationId) === true) watch.trip("canceled");
    this.#starting.delete(invocationId);
    let markReleased: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      markReleased = resolve;
    });
    const response = new ResponseRelay(sink, () => {
      watch.extendWall(WAIT_UNTIL_MS);
      this.#markFinishing(key, released);
    });
    let result: SandboxResult;
    try {
      if (cold) {
        watch.startCold();
        await sandbox.load(
          key,
          code.get(version.id) as CodeBundle,
          buildEnv(version),
          compileCache,
          version.config.bindings ?? [],
          { allowCodeGeneration: version.allowCodeGeneration !== false },
        );
        pool.add(sandbox, generation);
        watch.startHandler();
      }
      const deadline = started + version.config.timeoutMs;
      const meta = {
        invocationId,
        tenant: version.tenant,
        functionName: version.functionName,
        version: version.number,
        memoryMb: version.config.memoryMb,
        deadline,
        ...(eventId === undefined ? {} : { eventId }),
      };
      const hostCalls = {
        ...bindingHostCalls(version, deadline),
        ...this.#options.extraHostCalls?.({ version, invocationId, event, deadline }),
        ...response.handlers(),
      };
      result = await sandbox.dispatch(event, meta, hostCalls);
    } catch (error) {
      result = failure(error, watch, sandbox);
    } finally {
      watch.stop();
      this.#inFlight.delete(invocationId);
      response.close(watch.reason);
    }
    const mapped = mapLocations(result, code.get(version.id));
    // Read before the isolate goes back to the pool, while it still holds this invocation's garbage.
    const peakHeapBytes = this.#heap.sample(sandbox, { cold, cpuMs: watch.cpuMs });
    if (sandbox.disposed || watch.reason !== undefined) pool.discard(sandbox);
    else if (cold && !sandbox.loaded) pool.discard(sandbox);
    else pool.release(sandbox);
    this.#finishing.get(key)?.delete(released);
    markReleased();
    // The spare this cold start took is replaced now that it is over, once its answer has gone out.
    if (cold) setImmediate(() => spares?.refill(version.config.memoryMb));

    return {
      invocationId,
      outcome: result.outcome,
      ...(result.response === undefined
        ? {}
        : { response: { ...result.response, body: inlineBody(result, response) } }),
      ...(result.value === undefined ? {} : { value: result.value }),
      ...(result.noRetry === undefined ? {} : { noRetry: result.noRetry }),
      ...(result.queue === undefined ? {} : { queue: result.queue }),
      ...(mapped.error === undefined ? {} : { error: mapped.error }),
      cold,
      cpuMs: round(watch.cpuMs),
      wallMs: round(this.#now() - started),
      logs: mapped.logs,
      droppedLogLines: result.droppedLogLines,
      ...(peakHeapBytes === undefined ? {} : { peakHeapBytes }),
    };
  }

  /**
   * A request that arrives just after the previous one was answered finds its isolate still finishing (the
   * response went out before the handler's promise settled and its waitUntil work ended). Waiting a moment for
   * that isolate beats a cold start, so a client calling in sequence keeps getting warm starts.
   */
  async #awaitFinishing(key: string): Promise<Sandbox | undefined> {
    const finishing = this.#finishing.get(key);
    if (finishing === undefined || finishing.size === 0) return undefined;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.race(finishing),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, FINISHING_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
    return this.#options.pool.acquire(key);
  }

  #markFinishing(key: string, released: Promise<void>): void {
    let set = this.#finishing.get(key);
    if (set === undefined) {
      set = new Set();
      this.#finishing.set(key, set);
    }
    set.add(released);
    released.then(() => {
      if (set?.size === 0) this.#finishing.delete(key);
    });
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
