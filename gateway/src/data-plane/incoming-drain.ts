// Reads and discards what is left of a request body once its response has been sent, so the connection can
// carry the next request: as @hono/node-server does for the requests it answers.
import type { IncomingMessage, ServerResponse } from "node:http";

/** Longest time, and most bytes, spent discarding an unread body before the connection is closed instead. */
const DRAIN_TIMEOUT_MS = 500;
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

/**
 * Arms the discard: when `outgoing` finishes (or closes) with the body of `incoming` not read to its end, the rest
 * is read and dropped, up to 64 MB and 500 ms, after which the connection is closed.
 */
export function drainUnread(incoming: IncomingMessage, outgoing: ServerResponse): void {
  const done = () => {
    outgoing.off("finish", done);
    outgoing.off("close", done);
    if (!incoming.readableEnded && !incoming.destroyed) drain(incoming);
  };
  outgoing.once("finish", done);
  outgoing.once("close", done);
}

function drain(incoming: IncomingMessage): void {
  let bytes = 0;
  const cleanup = () => {
    clearTimeout(timer);
    incoming.off("data", onData);
    incoming.off("end", cleanup);
    incoming.off("error", cleanup);
  };
  const forceClose = () => {
    cleanup();
    const socket = incoming.socket;
    if (socket && !socket.destroyed) socket.destroySoon();
  };
  const timer = setTimeout(forceClose, DRAIN_TIMEOUT_MS);
  timer.unref();
  const onData = (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > MAX_DRAIN_BYTES) forceClose();
  };
  incoming.on("data", onData);
  incoming.on("end", cleanup);
  incoming.on("error", cleanup);
  incoming.resume();
}
