// The JSON payload of an async invoke, read straight from Node's request stream when the server gave one: a
// Web Request built only to read a few hundred bytes (every header copied, a ReadableStream, an AbortSignal)
// costs more than storing the event. Elsewhere (app.request in tests) the Web Request is read as usual.
import type { IncomingMessage } from "node:http";
import { SkiffError } from "@skiff/core";
import type { Context } from "hono";
import { readIncomingBody } from "../data-plane/incoming-body.js";
import { parseJsonBytes, readJsonBody } from "../json-body.js";

/** The parsed JSON body, at most `limit` bytes (PAYLOAD_TOO_LARGE past it, INVALID_JSON if empty or not JSON). */
export async function readJsonPayload(c: Context, limit: number): Promise<unknown> {
  const incoming = unreadNodeRequest(c.env);
  if (incoming === undefined) return readJsonBody(c.req.raw, limit);
  const bytes = await readIncomingBody(incoming, limit);
  if (bytes.byteLength === 0) {
    throw new SkiffError("INVALID_JSON", "the request body is empty: send a JSON object");
  }
  return parseJsonBytes(bytes);
}

/** @hono/node-server's request, if its body has not been touched yet (then it is read here). */
function unreadNodeRequest(env: unknown): IncomingMessage | undefined {
  const incoming = (env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming === undefined || typeof incoming.on !== "function" || "rawBody" in incoming) return undefined;
  if (incoming.readableEnded || incoming.destroyed || incoming.readableFlowing !== null) return undefined;
  return incoming;
}
