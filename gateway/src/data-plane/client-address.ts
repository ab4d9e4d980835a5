// The address of the client that sent a request, as @hono/node-server exposes the socket.
import type { Context } from "hono";

export function clientAddress(c: Context): string | undefined {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress;
}
