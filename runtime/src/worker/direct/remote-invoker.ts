// Direct invocations this worker must not run itself: those of versions in probation (suspects of a worker's
// death), which the supervisor runs alone in a probation worker so that the next crash names the culprit. The
// answer comes back as the supervisor gets its own workers' answers, and is rebuilt the same way.
import { type ErrorCode, type InvocationEvent, type InvocationResult, newId, SkiffError } from "@skiff/core";
import type { DirectFromWorker, DirectToWorker } from "../../protocol.js";
import { ResponseAssembler } from "../../supervisor/response-assembler.js";
import type { InvokeOptions, VersionSpec } from "../../types.js";

type Answer = Extract<DirectToWorker, { type: `direct-invoke-${string}` }>;

interface Call {
  response: ResponseAssembler;
  resolve: (result: InvocationResult) => void;
  reject: (error: Error) => void;
}

export class RemoteInvoker {
  readonly #send: (message: DirectFromWorker) => void;
  readonly #calls = new Map<string, Call>();

  constructor(send: (message: DirectFromWorker) => void) {
    this.#send = send;
  }

  invoke(version: VersionSpec, event: InvocationEvent, options: InvokeOptions): Promise<InvocationResult> {
    const id = options.invocationId ?? newId();
    const cancel = () => this.#send({ type: "direct-invoke-cancel", id });
    return new Promise<InvocationResult>((resolve, reject) => {
      const settle = () => options.signal?.removeEventListener("abort", cancel);
      this.#calls.set(id, {
        response: new ResponseAssembler({
          onResponse: options.onResponse,
          ack: () => this.#send({ type: "direct-invoke-ack", id }),
          cancel,
        }),
        resolve: (result) => {
          settle();
          resolve(result);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      options.signal?.addEventListener("abort", cancel, { once: true });
      this.#send({
        type: "direct-invoke",
        id,
        version,
        event,
        ...(options.eventId === undefined ? {} : { eventId: options.eventId }),
      });
      if (options.signal?.aborted) cancel();
    });
  }

  handle(message: Answer): void {
    const call = this.#calls.get(message.id);
    if (call === undefined) return;
    switch (message.type) {
      case "direct-invoke-response": {
        const { status, statusText, headers, body } = message;
        call.response.start({ status, statusText, headers }, body);
        return;
      }
      case "direct-invoke-chunk":
        call.response.chunk(message.bytes);
        return;
      case "direct-invoke-end":
        call.response.end(message.error);
        return;
      case "direct-invoke-result": {
        this.#calls.delete(message.id);
        call.resolve(call.response.finish(message.result));
        return;
      }
      case "direct-invoke-error":
        this.#calls.delete(message.id);
        call.response.end(message.message);
        call.reject(new SkiffError(message.code as ErrorCode, message.message));
        return;
    }
  }
}
