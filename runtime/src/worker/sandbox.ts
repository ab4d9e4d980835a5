// One isolate running one version's module: created cold, reused warm, one invocation at a time.
import { randomBytes } from "node:crypto";
import type { HeaderList, HttpEvent, HttpResponse, InvocationError, LogLine, Outcome } from "@skiff/core";
import ivm from "isolated-vm";
import { preludeSource } from "./prelude-source.js";

const MODULE_FILENAME = "file:///worker.js";
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;
const MAX_RANDOM_BYTES = 65_536;

/** The prelude's code cache, made by this process from our own prelude (never from tenant input). */
let preludeCache: ivm.ExternalCopy<ArrayBuffer> | undefined;

export interface SandboxResult {
  outcome: Extract<Outcome, "ok" | "exception" | "invalidResponse">;
  response?: HttpResponse;
  error?: InvocationError;
  logs: LogLine[];
  droppedLogLines: number;
}

/**
 * Asynchronous host work an invocation may start from the isolate (`callHost(name, args)` in the prelude).
 * Arguments are untrusted copies from the isolate: each handler validates them. The result must be plain data.
 */
export type HostCallHandlers = Record<string, (args: unknown, signal: AbortSignal) => Promise<unknown>>;

export class Sandbox {
  readonly memoryMb: number;
  readonly isolate: ivm.Isolate;
  /** Heap bytes measured after the module loaded: the pool's memory estimate for this isolate. */
  heapBytes = 0;
  #versionId: string | undefined;
  #context: ivm.Context | undefined;
  #setup: ivm.Reference<(namespace: unknown, vars: unknown) => void> | undefined;
  #dispatch: ivm.Reference<(event: unknown) => Promise<unknown>> | undefined;
  #fireTimer: ivm.Reference<(id: number) => void> | undefined;
  #settleHostCall: ivm.Reference<(id: number, ok: boolean, value: unknown) => void> | undefined;
  #timers = new Map<number, NodeJS.Timeout>();
  /** Host calls of the running invocation; aborted when it ends. */
  #hostCalls: { handlers: HostCallHandlers; abort: AbortController } | undefined;

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
        new ivm.Callback((length: unknown) => this.#randomBytes(length)),
        new ivm.Callback((id: unknown, delay: unknown) => this.#scheduleTimer(id, delay), { ignored: true }),
        new ivm.Callback((id: unknown) => this.#cancelTimer(id), { ignored: true }),
        new ivm.Callback((id: unknown, name: unknown, args: unknown) => this.#startHostCall(id, name, args), {
          ignored: true,
        }),
      ],
    );
    const prelude = await this.isolate.compileScript(preludeSource(), {
      filename: "skiff:prelude",
      ...(preludeCache === undefined ? { produceCachedData: true } : { cachedData: preludeCache }),
    });
    // The typings omit it, but a script compiled with produceCachedData carries `cachedData`.
    const produced = (prelude as ivm.Script & ivm.CachedDataResult).cachedData;
    if (preludeCache === undefined && produced !== undefined) preludeCache = produced;
    await prelude.run(context, { release: true });
    const internal = await context.global.get("__skiffInternal", { reference: true });
    this.#setup = await internal.get("setup", { reference: true });
    this.#dispatch = await internal.get("dispatch", { reference: true });
    this.#fireTimer = await internal.get("fireTimer", { reference: true });
    this.#settleHostCall = await internal.get("settleHostCall", { reference: true });
    internal.release();
    await context.global.delete("__skiffInternal");
    this.#context = context;
  }

  /** Compiles, links and evaluates a version's module in a prepared isolate (runs tenant top-level code). */
  async loadModule(versionId: string, code: string, vars: Record<string, string>): Promise<void> {
    const context = this.#context;
    const setup = this.#setup;
    if (context === undefined || setup === undefined) throw new Error("sandbox is not prepared");
    if (this.#versionId !== undefined) throw new Error("sandbox already holds a module");
    const module = await this.isolate.compileModule(code, { filename: MODULE_FILENAME });
    await module.instantiate(context, (specifier) => {
      throw new Error(`imports are not supported ("${specifier}"): bundle the function into one module`);
    });
    await module.evaluate();
    await setup.apply(undefined, [module.namespace.derefInto(), new ivm.ExternalCopy(vars).copyInto()]);
    setup.release();
    this.#setup = undefined;
    this.#versionId = versionId;
    const stats = await this.isolate.getHeapStatistics();
    this.heapBytes = stats.used_heap_size + stats.externally_allocated_size;
  }

  /** Prepares (if needed) and loads a module: a whole cold start. */
  async load(versionId: string, code: string, vars: Record<string, string>): Promise<void> {
    if (!this.prepared) await this.prepare();
    await this.loadModule(versionId, code, vars);
  }

  /** Runs one HTTP event through the prelude's dispatcher. Rejects only if the isolate dies. */
  async dispatch(event: HttpEvent): Promise<SandboxResult> {
    if (this.#dispatch === undefined || this.#versionId === undefined)
      throw new Error("sandbox is not loaded");
    try {
      const raw = await this.#dispatch.apply(
        undefined,
        [new ivm.ExternalCopy(event).copyInto({ release: true })],
        {
          result: { promise: true, copy: true },
        },
      );
      return toSandboxResult(raw);
    } finally {
      this.#clearTimers();
      this.#hostCalls?.abort.abort();
      this.#hostCalls = undefined;
    }
  }

  dispose(): void {
    this.#clearTimers();
    this.#hostCalls?.abort.abort();
    if (!this.isolate.isDisposed) this.isolate.dispose();
  }

  #randomBytes(length: unknown): ArrayBuffer {
    if (!Number.isInteger(length) || (length as number) < 0 || (length as number) > MAX_RANDOM_BYTES) {
      throw new RangeError("randomBytes: invalid length");
    }
    const bytes = randomBytes(length as number);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  }

  #scheduleTimer(id: unknown, delay: unknown): void {
    if (!Number.isInteger(id) || typeof delay !== "number") return;
    const ms = Math.max(0, Math.min(delay, MAX_TIMER_DELAY_MS));
    this.#cancelTimer(id);
    const timer = setTimeout(() => {
      this.#timers.delete(id as number);
      if (!this.isolate.isDisposed) this.#fireTimer?.applyIgnored(undefined, [id as number]);
    }, ms);
    this.#timers.set(id as number, timer);
  }

  #startHostCall(id: unknown, name: unknown, args: unknown): void {
    if (!Number.isInteger(id)) return;
    const calls = this.#hostCalls;
    const settle = (ok: boolean, value: unknown) => {
      // Only the invocation that started the call may see its answer.
      if (this.#hostCalls !== calls || calls === undefined || this.isolate.isDisposed) return;
      this.#settleHostCall
        ?.apply(undefined, [id as number, ok, value], { arguments: { copy: true } })
        .catch(() => {});
    };
    const handler =
      typeof name === "string" && calls !== undefined
        ? Object.hasOwn(calls.handlers, name) && calls.handlers[name]
        : undefined;
    if (!handler || calls === undefined) {
      settle(false, `${String(name)} is not available here`);
      return;
    }
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
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}

/**
 * Validates what the prelude returned. The prelude is ours, but it runs beside tenant code that may have
 * tampered with built-ins, so nothing is trusted: every field is checked and copied into a fresh object.
 */
export function toSandboxResult(raw: unknown): SandboxResult {
  const value = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const logs = toLogs(value.logs);
  const droppedLogLines = toCount(value.droppedLogLines);
  const outcome = value.outcome;
  if (outcome === "ok") {
    const response = toResponse(value.response);
    if (response !== undefined) return { outcome, response, logs, droppedLogLines };
    return {
      outcome: "invalidResponse",
      error: { name: "TypeError", message: "the response could not be read" },
      logs,
      droppedLogLines,
    };
  }
  if (outcome === "exception" || outcome === "invalidResponse") {
    return { outcome, error: toError(value.error), logs, droppedLogLines };
  }
  return {
    outcome: "exception",
    error: { name: "Error", message: "unexpected result from the isolate" },
    logs,
    droppedLogLines,
  };
}

function toResponse(raw: unknown): HttpResponse | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  if (!Number.isInteger(r.status) || (r.status as number) < 200 || (r.status as number) > 599)
    return undefined;
  if (!(r.body instanceof Uint8Array) || !Array.isArray(r.headers)) return undefined;
  const headers: HeaderList = [];
  for (const pair of r.headers) {
    if (!Array.isArray(pair) || typeof pair[0] !== "string" || typeof pair[1] !== "string") return undefined;
    headers.push([pair[0], pair[1]]);
  }
  return {
    status: r.status as number,
    statusText: typeof r.statusText === "string" ? r.statusText : "",
    headers,
    body: r.body,
  };
}

function toError(raw: unknown): InvocationError {
  const e = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const error: InvocationError = {
    name: typeof e.name === "string" ? e.name.slice(0, 200) : "Error",
    message: typeof e.message === "string" ? e.message.slice(0, 8192) : "unknown error",
  };
  if (typeof e.stack === "string") error.stack = e.stack.slice(0, 16_384);
  return error;
}

const LEVELS = new Set(["debug", "info", "log", "warn", "error"]);

function toLogs(raw: unknown): LogLine[] {
  if (!Array.isArray(raw)) return [];
  const lines: LogLine[] = [];
  for (const item of raw) {
    if (typeof item !== "object" || item === null) continue;
    const l = item as Record<string, unknown>;
    if (typeof l.message !== "string" || typeof l.level !== "string" || !LEVELS.has(l.level)) continue;
    lines.push({ level: l.level as LogLine["level"], message: l.message, ts: toCount(l.ts) });
  }
  return lines;
}

function toCount(raw: unknown): number {
  return typeof raw === "number" && Number.isFinite(raw) && raw >= 0 ? raw : 0;
}
