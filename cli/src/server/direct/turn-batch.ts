// Batches what a worker's direct data plane reports to the main process (invocation records, HTTP metrics) into
// one message per event-loop turn: the main process then wakes once per batch, not once per request.
import type { InvocationRecord } from "@skiff/core";
import type { HttpObservation, WorkerMessage } from "./plane-messages.js";

/**
 * @example
 * const batch = new TurnBatch((message) => host.send(message));
 * batch.add(record); batch.observeHttp("function", "GET", 200, 0.001); // sent together on the next turn
 */
export class TurnBatch {
  readonly #send: (message: WorkerMessage) => void;
  #records: InvocationRecord[] = [];
  #http: HttpObservation[] = [];
  #scheduled = false;

  constructor(send: (message: WorkerMessage) => void) {
    this.#send = send;
  }

  /** An invocation's record (the gateway's `writer.add`). */
  add(record: InvocationRecord): void {
    this.#records.push(record);
    this.#schedule();
  }

  /** An answered request (the gateway's `metrics.observeHttp`). */
  observeHttp(route: HttpObservation[0], method: string, status: number, seconds: number): void {
    this.#http.push([route, method, status, seconds]);
    this.#schedule();
  }

  /** Sends what is waiting now (a drain's last step). */
  flush(): void {
    this.#scheduled = false;
    if (this.#records.length === 0 && this.#http.length === 0) return;
    const message: WorkerMessage = {};
    if (this.#records.length > 0) message.records = this.#records;
    if (this.#http.length > 0) message.http = this.#http;
    this.#records = [];
    this.#http = [];
    this.#send(message);
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // An immediate runs after this turn's responses are written: reporting never delays an answer.
    setImmediate(() => {
      if (this.#scheduled) this.flush();
    });
  }
}
