// `host.runtime` of the direct plane: runs events in this worker's own isolates with the contract of
// `Supervisor.invoke` (same refusals, same result shape), without a hop through the main process.
import { type CodeBundle, type InvocationEvent, type InvocationResult, newId } from "@skiff/core";
import { ConcurrencyLimiter } from "../../supervisor/concurrency.js";
import { quarantineKey, refuseQuarantined } from "../../supervisor/quarantine-refusal.js";
import { ResponseAssembler } from "../../supervisor/response-assembler.js";
import type { InvokeOptions, QuarantineInfo, Runtime, VersionSpec } from "../../types.js";
import type { EgressMeter } from "../egress/egress-meter.js";
import { CodeNeeded, type Invoker } from "../invoker.js";
import type { ResponseSink } from "../response-sink.js";
import type { CodeFetcher } from "./code-fetcher.js";
import type { RemoteInvoker } from "./remote-invoker.js";
import type { RunningReporter } from "./running-reporter.js";

/** A version dropped again between its code's arrival and its cold start asks once more, then gives up. */
const CODE_FETCHES = 2;

export interface LocalRuntimeOptions {
  invoker: Pick<Invoker, "invoke" | "cancel">;
  /** How many workers share the plane: each runs its share of a function's concurrency. */
  workers: number;
  /** How long an invocation may wait for a concurrency slot, as in the supervisor (`maxQueueWaitMs`). */
  maxQueueWaitMs: number;
  fetcher: CodeFetcher;
  reporter: RunningReporter;
  egressMeter: EgressMeter;
  /** Runs invocations of versions in probation in the supervisor's probation workers. */
  remote: Pick<RemoteInvoker, "invoke">;
}

export class LocalRuntime implements Pick<Runtime, "invoke"> {
  readonly #options: LocalRuntimeOptions;
  readonly #limiter = new ConcurrencyLimiter();
  /** The supervisor's quarantines by `tenant/function`, as it last pushed them. */
  #quarantine = new Map<string, QuarantineInfo>();
  /** Versions in probation, as the supervisor last pushed them. */
  #probation = new Set<string>();

  constructor(options: LocalRuntimeOptions) {
    this.#options = options;
  }

  /** The supervisor's quarantine list changed. */
  setQuarantined(list: readonly QuarantineInfo[]): void {
    this.#quarantine = new Map(list.map((info) => [quarantineKey(info.tenant, info.functionName), info]));
  }

  /** The versions in probation changed. */
  setProbation(versionIds: readonly string[]): void {
    this.#probation = new Set(versionIds);
  }

  async invoke(
    version: VersionSpec,
    event: InvocationEvent,
    options: InvokeOptions = {},
  ): Promise<InvocationResult> {
    refuseQuarantined(this.#quarantine, version);
    // A suspect of a worker's death runs alone in a probation worker, so that its next crash names it and
    // harms nobody else's connections; the supervisor's limiter applies its whole concurrency there.
    if (this.#probation.has(version.id)) return this.#options.remote.invoke(version, event, options);
    const invocationId = options.invocationId ?? newId();
    // Each worker enforces its share: the workers do not consult each other on the request path.
    const limit = Math.ceil(version.config.concurrency / this.#options.workers);
    const maxWait = Math.min(this.#options.maxQueueWaitMs, version.config.timeoutMs);
    const release =
      this.#limiter.tryAcquire(version.id, limit) ??
      (await this.#limiter.acquire(version.id, limit, maxWait));
    try {
      return await this.#run(version, event, options, invocationId);
    } finally {
      release();
    }
  }

  async #run(
    version: VersionSpec,
    event: InvocationEvent,
    options: InvokeOptions,
    invocationId: string,
  ): Promise<InvocationResult> {
    const { invoker, reporter, egressMeter, fetcher } = this.#options;
    /** Chunk calls of the handler waiting for the consumer to want more, oldest first. */
    const awaitingAck: Array<() => void> = [];
    const cancel = () => invoker.cancel(invocationId);
    const response = new ResponseAssembler({
      onResponse: options.onResponse,
      ack: () => awaitingAck.shift()?.(),
      cancel,
    });
    const sink: ResponseSink = {
      start: ({ body, ...head }) => response.start(head, body),
      chunk: (bytes) =>
        new Promise<void>((resolve) => {
          // Queued first: the assembler may acknowledge at once.
          awaitingAck.push(resolve);
          response.chunk(bytes);
        }),
      end: (error) => response.end(error),
    };
    options.signal?.addEventListener("abort", cancel, { once: true });
    reporter.started(invocationId, version);
    egressMeter.start(invocationId);
    try {
      const result = await this.#attempts(version, event, options, invocationId, sink, fetcher);
      const egressBytes = egressMeter.finish(invocationId);
      const counted = egressBytes === undefined ? result : { ...result, egressBytes };
      return response.finish(counted);
    } finally {
      options.signal?.removeEventListener("abort", cancel);
      // Pending chunk calls belong to an invocation that ended; release them.
      for (const resolve of awaitingAck.splice(0)) resolve();
      egressMeter.finish(invocationId);
      reporter.ended(invocationId);
    }
  }

  /** Runs the invocation, fetching the version's code from the main process when this worker lacks it. */
  async #attempts(
    version: VersionSpec,
    event: InvocationEvent,
    options: InvokeOptions,
    invocationId: string,
    sink: ResponseSink,
    fetcher: CodeFetcher,
  ): Promise<InvocationResult> {
    const { invoker } = this.#options;
    let bundle: CodeBundle | undefined;
    for (let fetches = 0; ; fetches++) {
      const running = invoker.invoke(invocationId, version, event, sink, bundle, options.eventId);
      // The client may have left while a slot or the code was awaited: the listener came too late.
      if (options.signal?.aborted) invoker.cancel(invocationId);
      try {
        return await running;
      } catch (error) {
        if (!(error instanceof CodeNeeded) || fetches >= CODE_FETCHES)
          return crashedResult(invocationId, "Error", String(error), true);
      }
      try {
        bundle = await fetcher.fetch(version);
      } catch (error) {
        // As the supervisor settles an invocation whose code could not be loaded.
        const message = error instanceof Error ? error.message : String(error);
        return crashedResult(invocationId, "RuntimeError", message, false);
      }
    }
  }
}

/** An invocation that could not run: the same result as over the supervisor's path (main.ts, supervisor.ts). */
function crashedResult(invocationId: string, name: string, message: string, cold: boolean): InvocationResult {
  return {
    invocationId,
    outcome: "crashed",
    cold,
    cpuMs: 0,
    wallMs: 0,
    logs: [],
    droppedLogLines: 0,
    error: { name, message },
  };
}
