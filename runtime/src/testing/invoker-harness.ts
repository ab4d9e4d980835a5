// Runs versions through a real Invoker inside the test process (warm pool, cold starts, limits), as a runtime
// worker would, and collects each invocation's response.
import {
  type CodeBundle,
  type InvocationEvent,
  type InvocationResult,
  singleModuleBundle,
} from "@skiff/core";
import type { VersionSpec } from "../types.js";
import { CodeCache, Invoker } from "../worker/invoker.js";
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

export class InvokerHarness {
  readonly pool = new IsolatePool<Sandbox>({
    maxIsolates: 100,
    maxHeapBytes: 2 * 1024 ** 3,
    idleTtlMs: 60_000,
    now: Date.now,
  });
  readonly invoker = new Invoker({ pool: this.pool, code: new CodeCache() });
  #counter = 0;

  /** Invokes `version` with `code` (an ES module's source or a bundle), sent along as a worker would on a miss. */
  async invoke(
    version: VersionSpec,
    code: string | CodeBundle,
    event: InvocationEvent = httpEvent(),
  ): Promise<InvokerRun> {
    let response: ResponseStart | undefined;
    const chunks: Uint8Array[] = [];
    const result = await this.invoker.invoke(
      `inv-${++this.#counter}`,
      version,
      event,
      {
        start: (start) => {
          response = start;
          if (start.body !== undefined) chunks.push(start.body);
        },
        chunk: async (bytes) => {
          chunks.push(bytes);
        },
        end: () => {},
      },
      typeof code === "string" ? singleModuleBundle(code) : code,
    );
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
