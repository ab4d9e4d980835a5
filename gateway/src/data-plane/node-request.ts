// The request and response as Node holds them, when the gateway runs behind @hono/node-server (`c.env`).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { CancelSignal } from "@skiff/runtime";
import type { Context } from "hono";

export interface NodeExchange {
  incoming: IncomingMessage;
  outgoing: ServerResponse;
}

/** Node's request and response, or undefined when the app runs elsewhere (`app.request` in tests). */
export function nodeExchange(c: Context): NodeExchange | undefined {
  const env = c.env as Partial<NodeExchange> | undefined;
  const incoming = env?.incoming;
  const outgoing = env?.outgoing;
  if (incoming === undefined || outgoing === undefined || typeof incoming.on !== "function") return undefined;
  return { incoming, outgoing };
}

/**
 * A signal that aborts when the client goes away before its response was sent (the connection closed first), as
 * @hono/node-server's `request.signal` does, without building the Fetch Request that carries it or an
 * AbortSignal (an EventTarget per request).
 */
export function clientGone({ incoming, outgoing }: NodeExchange): ClientDeparture {
  const departure = new ClientDeparture();
  if (outgoing.destroyed && !outgoing.writableFinished) {
    departure.abort();
    return departure;
  }
  outgoing.on("close", () => {
    if (incoming.errored !== null || !outgoing.writableFinished) departure.abort();
  });
  return departure;
}

/** The runtime's `CancelSignal`, aborted at most once; its listeners run once, in the order they were added. */
export class ClientDeparture implements CancelSignal {
  #aborted = false;
  #listeners: Array<() => void> | undefined;

  get aborted(): boolean {
    return this.#aborted;
  }

  /** Every listener runs at most once (there is one abort), so `once` changes nothing. */
  addEventListener(type: "abort", listener: () => void, _options?: { once?: boolean }): void {
    if (type !== "abort" || this.#aborted) return;
    this.#listeners ??= [];
    if (!this.#listeners.includes(listener)) this.#listeners.push(listener);
  }

  removeEventListener(type: "abort", listener: () => void): void {
    const index = type === "abort" ? (this.#listeners?.indexOf(listener) ?? -1) : -1;
    if (index >= 0) this.#listeners?.splice(index, 1);
  }

  abort(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    const listeners = this.#listeners ?? [];
    this.#listeners = undefined;
    for (const listener of listeners) {
      try {
        listener();
      } catch (error) {
        // As an EventTarget does: a listener's error is the process's to report, and the others still run.
        process.nextTick(() => {
          throw error;
        });
      }
    }
  }
}

/** A request header as `Headers.get` gives it: repeated values joined with ", ". */
export function headerValue(incoming: IncomingMessage, name: string): string | undefined {
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}
