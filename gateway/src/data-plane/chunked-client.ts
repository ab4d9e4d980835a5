// Whether the client can take a chunked response body, as @hono/node-server exposes the request.
import type { Context } from "hono";

/** False only for HTTP/1.0 clients, which have no chunked transfer coding; true when not behind Node. */
export function takesChunkedBodies(c: Context): boolean {
  const incoming = (c.env as { incoming?: { httpVersion?: string } } | undefined)?.incoming;
  return incoming?.httpVersion !== "1.0";
}
