// Runs versions through a real Invoker inside the test process (warm pool, cold starts, limits), as a runtime
// worker would, and collects each invocation's response.
import {
  type CodeBundle,
  type InvocationEvent,
  type InvocationResult,
  singleModuleBundle,
} from "@skiff/core";
import type { VersionSpec } from "../types.js";
import { CodeCache, Invoker, type InvokerOptions } from "../worker/invoker.js";
import { IsolatePool } from "../worker/isolate-pool.js";
import type { ResponseStart } from "../worker/response-sink.js";
import type { Sandbox } from "../worker/sandbox.js";
import { httpEvent } from "./fixtures.js";

export interface InvokerRun {
  result: InvocationResult;
  response?: ResponseStart;
  body: Uint8Array;
  text(): string;
}

/** An invocation started and not awaited: its record to come, and what went through its sink so far. */
export interface StartedRun {
  id: string;
  promise: Promise<InvocationResult>;
  /** What went through the sink (a response sent before waitUntil work, or streamed). */
  streamed(): { start: ResponseStart | undefined; body: Uint8Array };
}

export class InvokerHarness {
  readonly pool = new IsolatePool<Sandbox>({
    maxIsolates: 100,
    maxHeapBytes: 2 * 1024 ** 3,
    idleTtlMs: 60_000,
    now: Date.now,
  });
  readonly invoker: Invoker;
  #counter = 0;

  /** `options` are the Invoker's own, beside the harness's pool and code cache. */
  constructor(options: Omit<Partial<InvokerOptions>, "pool" | "code"> = {}) {
    this.invoker = new Invoker({ pool: this.pool, code: new CodeCache(), ...options });
  }

  /** Starts `version` with `code` (an ES module's source or a bundle), sent along as a worker would on a miss. */
  start(version: VersionSpec, code: string | CodeBundle, event: InvocationEvent = httpEvent()): StartedRun {
    const id = `inv-${++this.#counter}`;
    let head: ResponseStart | undefined;
    const chunks: Uint8Array[] = [];
    const promise = this.invoker.invoke(
      id,
      version,
      event,
      {
        start: (start) => {
          head = start;
          if (start.body !== undefined) chunks.push(start.body);
        },
        chunk: async (bytes) => {
          chunks.push(bytes);
        },
        end: () => {},
      },
      typeof code === "string" ? singleModuleBundle(code) : code,
    );
    return { id, promise, streamed: () => ({ start: head, body: Buffer.concat(chunks) }) };
  }

  /** `start`, awaited: the record, and the response whether it went through the sink or came with the record. */
  async invoke(
    version: VersionSpec,
    code: string | CodeBundle,
    event: InvocationEvent = httpEvent(),
  ): Promise<InvokerRun> {
    const run = this.start(version, code, event);
    const result = await run.promise;
    const streamed = run.streamed();
    let response = streamed.start;
    const chunks = [streamed.body];
    // A whole body that came back with the result never went through the sink.
    if (response === undefined && result.response !== undefined) {
      response = { ...result.response };
      chunks.push(result.response.body);
    }
    const body = Buffer.concat(chunks);
    return {
      result,
      ...(response === undefined ? {} : { response }),
      body,
      text: () => new TextDecoder().decode(body),
    };
  }

  close(): void {
    this.pool.disposeAll();
  }
}
