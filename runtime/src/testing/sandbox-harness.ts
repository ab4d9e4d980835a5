// Runs tenant code in a real Sandbox inside the test process, collecting what a worker would forward:
// the response (whole or streamed), the dispatcher's result, and host calls the test provides.
import { type Binding, type CodeBundle, type InvocationEvent, singleModuleBundle } from "@skiff/core";
import { InvocationWatch } from "../worker/limits.js";
import { type HostCallHandlers, type LoadOptions, Sandbox, type SandboxResult } from "../worker/sandbox.js";
import { toResponseHead } from "../worker/sandbox-result.js";
import { httpEvent } from "./fixtures.js";

export interface HarnessRun {
  result: SandboxResult;
  status?: number;
  headers?: Array<[string, string]>;
  /** The whole body (streamed chunks joined). */
  body: Uint8Array;
  chunks: Uint8Array[];
  text(): string;
  json(): unknown;
}

export class SandboxHarness {
  readonly sandbox: Sandbox;
  #counter = 0;

  private constructor(sandbox: Sandbox) {
    this.sandbox = sandbox;
  }

  /** A loaded sandbox for `code` (an ES module's source, or a whole bundle). */
  static async load(
    code: string | CodeBundle,
    env: Record<string, unknown> = {},
    memoryMb = 64,
    bindings: Binding[] = [],
    options: LoadOptions = {},
  ): Promise<SandboxHarness> {
    const sandbox = new Sandbox(memoryMb);
    const bundle = typeof code === "string" ? singleModuleBundle(code) : code;
    await sandbox.load("test-version", bundle, env, undefined, bindings, options);
    return new SandboxHarness(sandbox);
  }

  async run(
    event: InvocationEvent = httpEvent(),
    hostCalls: HostCallHandlers = {},
    limits = { cpuMs: 5000, timeoutMs: 5000 },
  ): Promise<HarnessRun> {
    const chunks: Uint8Array[] = [];
    let head: ReturnType<typeof toResponseHead>;
    const watch = new InvocationWatch(this.sandbox.isolate, limits);
    const invocationId = `inv-${++this.#counter}`;
    try {
      const result = await this.sandbox.dispatch(
        event,
        {
          invocationId,
          tenant: "test",
          functionName: "fn",
          version: 1,
          memoryMb: this.sandbox.memoryMb,
          deadline: Date.now() + limits.timeoutMs,
        },
        {
          ...hostCalls,
          response: async (args) => {
            head = toResponseHead(args);
            const body = (args as { body?: unknown }).body;
            if (body instanceof Uint8Array) chunks.push(body);
            return null;
          },
          chunk: async (args) => {
            chunks.push(args as Uint8Array);
            return null;
          },
          end: async () => null,
        },
      );
      // A whole body comes back with the result rather than through the `response` host call.
      if (head === undefined && result.response !== undefined) {
        head = result.response;
        if (result.body !== undefined) chunks.push(result.body);
      }
      const body = Buffer.concat(chunks);
      return {
        result,
        ...(head === undefined ? {} : { status: head.status, headers: head.headers }),
        body,
        chunks,
        text: () => new TextDecoder().decode(body),
        json: () => JSON.parse(new TextDecoder().decode(body)),
      };
    } finally {
      watch.stop();
    }
  }

  dispose(): void {
    this.sandbox.dispose();
  }
}
