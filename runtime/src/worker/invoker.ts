// Runs invocations inside one runtime worker: warm isolate or cold start, under the version's limits.
import type { HttpEvent, InvocationResult, Outcome } from "@skiff/core";
import type { VersionSpec } from "../types.js";
import type { IsolatePool } from "./isolate-pool.js";
import { InvocationWatch } from "./limits.js";
import { Sandbox, type SandboxResult } from "./sandbox.js";
import type { SpareIsolates } from "./spare-isolates.js";

/** Thrown when the worker has neither a warm isolate nor the code of a version. */
export class CodeNeeded extends Error {}

export class Invoker {
  readonly #pool: IsolatePool<Sandbox>;
  readonly #code: CodeCache;
  readonly #spares: SpareIsolates<Sandbox> | undefined;
  readonly #inFlight = new Map<string, InvocationWatch>();
  readonly #now: () => number;

  constructor(options: {
    pool: IsolatePool<Sandbox>;
    code: CodeCache;
    spares?: SpareIsolates<Sandbox>;
    now?: () => number;
  }) {
    this.#pool = options.pool;
    this.#code = options.code;
    this.#spares = options.spares;
    this.#now = options.now ?? Date.now;
  }

  /** Cancels an in-flight invocation (the client went away): its isolate is disposed. */
  cancel(invocationId: string): void {
    this.#inFlight.get(invocationId)?.trip("canceled");
  }

  async invoke(
    invocationId: string,
    version: VersionSpec,
    event: HttpEvent,
    code?: string,
  ): Promise<InvocationResult> {
    if (code !== undefined) this.#code.set(version.id, code);
    const started = this.#now();
    let sandbox = this.#pool.acquire(version.id);
    const cold = sandbox === undefined;
    if (sandbox === undefined) {
      const source = this.#code.get(version.id);
      if (source === undefined) throw new CodeNeeded(version.id);
      const memoryMb = version.config.memoryMb;
      sandbox = this.#spares?.take(memoryMb) ?? new Sandbox(memoryMb);
    }
    const watch = new InvocationWatch(sandbox.isolate, {
      cpuMs: version.config.cpuMs,
      timeoutMs: version.config.timeoutMs,
    });
    this.#inFlight.set(invocationId, watch);
    let result: SandboxResult;
    try {
      if (cold) {
        await sandbox.load(version.id, this.#code.get(version.id) as string, version.config.vars);
        this.#pool.add(sandbox);
      }
      result = await sandbox.dispatch(event);
    } catch (error) {
      result = failure(error, watch, sandbox);
    } finally {
      watch.stop();
      this.#inFlight.delete(invocationId);
    }
    if (sandbox.disposed || watch.reason !== undefined) this.#pool.discard(sandbox);
    else if (cold && result.outcome === "exception" && !sandbox.loaded) this.#pool.discard(sandbox);
    else this.#pool.release(sandbox);

    return {
      invocationId,
      outcome: result.outcome,
      ...(result.response === undefined ? {} : { response: result.response }),
      ...(result.error === undefined ? {} : { error: result.error }),
      cold,
      cpuMs: round(watch.cpuMs),
      wallMs: round(this.#now() - started),
      logs: result.logs,
      droppedLogLines: result.droppedLogLines,
    };
  }

  evict(versionId: string): void {
    this.#pool.evictVersion(versionId);
    this.#code.delete(versionId);
  }
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
    // A throw while loading: module top-level code, or a failed link.
    const err = error instanceof Error ? error : new Error(message);
    result = {
      outcome: "exception",
      error: {
        name: err.name,
        message: err.message,
        ...(err.stack === undefined ? {} : { stack: err.stack }),
      },
      logs: [],
      droppedLogLines: 0,
    };
  }
  return result as SandboxResult;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** The code of versions this worker has been sent, bounded by count (oldest first out). */
export class CodeCache {
  readonly #max: number;
  readonly #entries = new Map<string, string>();

  constructor(max = 1000) {
    this.#max = max;
  }

  get(versionId: string): string | undefined {
    const code = this.#entries.get(versionId);
    if (code !== undefined) {
      this.#entries.delete(versionId);
      this.#entries.set(versionId, code);
    }
    return code;
  }

  set(versionId: string, code: string): void {
    this.#entries.delete(versionId);
    this.#entries.set(versionId, code);
    for (const key of this.#entries.keys()) {
      if (this.#entries.size <= this.#max) break;
      this.#entries.delete(key);
    }
  }

  delete(versionId: string): void {
    this.#entries.delete(versionId);
  }
}
