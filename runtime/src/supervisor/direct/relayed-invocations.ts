// The supervisor's side of `direct-invoke`: runs a direct-plane worker's invocation of a version in probation
// with `Supervisor.invoke` (so alone in a probation worker), and relays its answer back with the same
// backpressure the workers' own streamed responses get: each chunk waits for the worker's acknowledgement.
import { type InvocationEvent, type InvocationResult, SkiffError } from "@skiff/core";
import type { DirectToWorker } from "../../protocol.js";
import type { InvokeOptions, StreamingResponse, VersionSpec } from "../../types.js";

/** Where relayed answers go: a direct-plane worker. */
export interface RelayTarget {
  send(message: DirectToWorker): boolean;
}

type Invoke = (
  version: VersionSpec,
  event: InvocationEvent,
  options: InvokeOptions,
) => Promise<InvocationResult>;

interface Relay {
  controller: AbortController;
  /** Chunks sent and not yet acknowledged: the next is read only when the worker wants it. */
  acks: Array<() => void>;
}

export class RelayedInvocations<W extends RelayTarget> {
  readonly #invoke: Invoke;
  readonly #byWorker = new Map<W, Map<string, Relay>>();

  constructor(invoke: Invoke) {
    this.#invoke = invoke;
  }

  start(
    worker: W,
    id: string,
    version: VersionSpec,
    event: InvocationEvent,
    eventId: string | undefined,
  ): void {
    let relays = this.#byWorker.get(worker);
    if (relays === undefined) {
      relays = new Map();
      this.#byWorker.set(worker, relays);
    }
    const relay: Relay = { controller: new AbortController(), acks: [] };
    relays.set(id, relay);
    let body: Promise<void> = Promise.resolve();
    this.#invoke(version, event, {
      invocationId: id,
      signal: relay.controller.signal,
      ...(eventId === undefined ? {} : { eventId }),
      onResponse: (response) => {
        body = this.#relayResponse(worker, id, response, relay);
      },
    })
      .then(
        // The body's last chunk goes before the result, as a worker sends its own.
        (result) => body.then(() => worker.send({ type: "direct-invoke-result", id, result })),
        (error: unknown) =>
          worker.send({
            type: "direct-invoke-error",
            id,
            code: error instanceof SkiffError ? error.code : "INTERNAL_ERROR",
            message: error instanceof Error ? error.message : String(error),
          }),
      )
      .finally(() => {
        relays.delete(id);
        if (relays.size === 0 && this.#byWorker.get(worker) === relays) this.#byWorker.delete(worker);
        for (const resolve of relay.acks.splice(0)) resolve();
      });
  }

  ack(worker: W, id: string): void {
    this.#byWorker.get(worker)?.get(id)?.acks.shift()?.();
  }

  cancel(worker: W, id: string): void {
    this.#byWorker.get(worker)?.get(id)?.controller.abort();
  }

  /** The worker died: nobody wants its relayed invocations any more. */
  exited(worker: W): void {
    const relays = this.#byWorker.get(worker);
    this.#byWorker.delete(worker);
    for (const relay of relays?.values() ?? []) {
      relay.controller.abort();
      for (const resolve of relay.acks.splice(0)) resolve();
    }
  }

  async #relayResponse(worker: W, id: string, response: StreamingResponse, relay: Relay): Promise<void> {
    const { status, statusText, headers, body } = response;
    if (!(body instanceof ReadableStream)) {
      worker.send({ type: "direct-invoke-response", id, status, statusText, headers, body });
      return;
    }
    worker.send({ type: "direct-invoke-response", id, status, statusText, headers });
    const reader = body.getReader();
    // Canceled (client gone, worker dead): stop reading, and stop waiting for acknowledgements that won't come.
    const stop = () => {
      for (const resolve of relay.acks.splice(0)) resolve();
      reader.cancel().catch(() => {});
    };
    relay.controller.signal.addEventListener("abort", stop, { once: true });
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const acked = new Promise<void>((resolve) => relay.acks.push(resolve));
        if (!worker.send({ type: "direct-invoke-chunk", id, bytes: value })) return;
        await acked;
        if (relay.controller.signal.aborted) return;
      }
      worker.send({ type: "direct-invoke-end", id });
    } catch (error) {
      worker.send({
        type: "direct-invoke-end",
        id,
        error: error instanceof Error ? error.message : String(error),
      });
    } finally {
      relay.controller.signal.removeEventListener("abort", stop);
    }
  }
}
