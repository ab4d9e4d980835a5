// The request and response as Node holds them, when the gateway runs behind @hono/node-server (`c.env`).
import type { IncomingMessage, ServerResponse } from "node:http";
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
 * An AbortSignal that aborts when the client goes away before its response was sent (the connection closed
 * first), as @hono/node-server's `request.signal` does, without building the Fetch Request that carries it.
 */
export function clientGone({ incoming, outgoing }: NodeExchange): AbortSignal {
  const controller = new AbortController();
  if (outgoing.destroyed && !outgoing.writableFinished) {
    controller.abort();
    return controller.signal;
  }
  outgoing.once("close", () => {
    if (incoming.errored !== null || !outgoing.writableFinished) controller.abort();
  });
  return controller.signal;
}
