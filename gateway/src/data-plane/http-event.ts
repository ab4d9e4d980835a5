// Turns the incoming request into the HttpEvent the runtime takes: header pairs and body bytes.
import type { IncomingMessage } from "node:http";
import type { HeaderList, HttpEvent } from "@skiff/core";
import { readBody } from "../body-reader.js";
import { readIncomingBody } from "./incoming-body.js";
import { headerListFromRaw, PLATFORM_HEADER_PREFIX } from "./request-headers.js";

const BODYLESS_METHODS = new Set(["GET", "HEAD"]);

/**
 * The event for `request` as the function sees it at `url`. The body is read whole (the runtime takes bytes),
 * but refused with PAYLOAD_TOO_LARGE as soon as it passes `bodyLimit`.
 */
export async function toHttpEvent(request: Request, url: string, bodyLimit: number): Promise<HttpEvent> {
  const headers: HeaderList = [];
  // Headers iterate in sorted order with lowercase names; repeated request headers arrive comma-joined.
  // `x-skiff-*` headers are the platform's word to the function (e.g. that a webhook was verified): a client
  // must never be able to send them.
  for (const [name, value] of request.headers) {
    if (!name.startsWith(PLATFORM_HEADER_PREFIX)) headers.push([name, value]);
  }
  let body: Uint8Array | null = null;
  if (BODYLESS_METHODS.has(request.method)) {
    request.body?.cancel().catch(() => {});
  } else {
    body = (await readBody(request, { limit: bodyLimit })) ?? new Uint8Array(0);
  }
  return { kind: "http", method: request.method, url, headers, body };
}

/**
 * The same event read from Node's request (behind @hono/node-server): no Fetch Request is built, its headers
 * are taken from `rawHeaders` in the same form (`headerListFromRaw`), and its body from the stream. A GET or
 * HEAD has no body to wait for, so its event comes at once, not in a promise: the Node data plane can then send
 * the invocation within the request's own callback instead of after the rest of the parser's turn.
 */
export function nodeHttpEvent(
  incoming: IncomingMessage,
  url: string,
  bodyLimit: number,
): HttpEvent | Promise<HttpEvent> {
  const method = incoming.method ?? "GET";
  const headers = headerListFromRaw(incoming.rawHeaders);
  if (BODYLESS_METHODS.has(method)) return { kind: "http", method, url, headers, body: null };
  return readIncomingBody(incoming, bodyLimit).then((body) => ({ kind: "http", method, url, headers, body }));
}
