// Rebuilds one invocation's HTTP response from the worker's messages: handed to `onResponse` as soon as it
// starts (a ReadableStream when chunks follow, with backpressure acknowledged back to the worker), or
// gathered whole for callers that only want the final result.
import type { HttpResponse, InvocationResult } from "@skiff/core";
import type { StreamingResponse } from "../types.js";

export interface AssemblerOptions {
  onResponse: ((response: StreamingResponse) => void) | undefined;
  /** Tell the worker the consumer wants the next chunk. */
  ack: () => void;
  /** The consumer gave up on the body (client gone). */
  cancel: () => void;
}

export class ResponseAssembler {
  readonly #options: AssemblerOptions;
  #head: Omit<HttpResponse, "body"> | undefined;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  #owedAcks = 0;
  #buffered: Uint8Array[] | undefined;
  #finished = false;

  constructor(options: AssemblerOptions) {
    this.#options = options;
  }

  start(head: Omit<HttpResponse, "body">, body: Uint8Array | undefined): void {
    this.#head = head;
    const { onResponse } = this.#options;
    if (body !== undefined) {
      this.#finished = true;
      if (onResponse === undefined) this.#buffered = [body];
      else onResponse({ ...head, body });
      return;
    }
    if (onResponse === undefined) {
      this.#buffered = [];
      return;
    }
    const stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        pull: () => {
          if (this.#owedAcks > 0) {
            this.#owedAcks--;
            this.#options.ack();
          }
        },
        cancel: () => {
          this.#finished = true;
          this.#options.cancel();
        },
      },
      { highWaterMark: 1 },
    );
    onResponse({ ...head, body: stream });
  }

  chunk(bytes: Uint8Array): void {
    if (this.#buffered !== undefined) {
      this.#buffered.push(bytes);
      this.#options.ack();
      return;
    }
    const controller = this.#controller;
    if (controller === undefined || this.#finished) {
      this.#options.ack();
      return;
    }
    controller.enqueue(bytes);
    if ((controller.desiredSize ?? 0) > 0) this.#options.ack();
    else this.#owedAcks++;
  }

  end(error?: string): void {
    if (this.#finished && this.#controller === undefined) return;
    this.#finished = true;
    const controller = this.#controller;
    this.#controller = undefined;
    if (controller === undefined) return;
    try {
      if (error === undefined) controller.close();
      else controller.error(new Error(error));
    } catch {
      // Already closed or canceled by the consumer.
    }
  }

  /**
   * Ends the body (with `reason` as its error if it had not ended) and gives `result` the gathered response, if
   * any: how every path that runs an invocation (supervisor, direct plane, relay) completes its result.
   */
  finish(
    result: InvocationResult,
    reason = "the invocation ended before its response body",
  ): InvocationResult {
    this.end(reason);
    const response = this.response();
    return response === undefined ? result : { ...result, response };
  }

  /** The gathered response for the final result (no body if it was streamed to `onResponse`). */
  response(): HttpResponse | undefined {
    if (this.#head === undefined) return undefined;
    const parts = this.#buffered ?? [];
    return { ...this.#head, body: parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts) };
  }
}
