// Writes a plain response straight to Node's ServerResponse: one flat header array and `end(body)`, or the
// body's chunks as they come. The head is the one @hono/node-server wrote for the equivalent Fetch Response.
import type { ServerResponse } from "node:http";
import type { HeaderList, SkiffError } from "@skiff/core";
import { errorHeaders } from "../error-handler.js";
import type { PlainResponse } from "./invocation-response.js";

/** What @hono/node-server gives a response without a Content-Type; kept so both paths answer alike. */
const DEFAULT_CONTENT_TYPE = "text/plain; charset=UTF-8";

/**
 * The head as Node takes it (`[name, value, name, value, …]`), in the form a Fetch `Headers` iterates and
 * @hono/node-server writes: lowercase names in sorted order, values trimmed, a repeated name's values joined
 * with ", " except `set-cookie` (kept apart, after the others), a default Content-Type, and Content-Length for
 * a body known whole.
 *
 * @example
 * flatHead([["X-B", "1"], ["x-a", "2"]], "hi"); // ["x-a", "2", "x-b", "1", "content-type", "text/plain; charset=UTF-8", "Content-Length", "2"]
 */
export function flatHead(headers: HeaderList, body: PlainResponse["body"]): string[] {
  const pairs: HeaderList = [];
  const cookies: string[] = [];
  let sorted = true;
  let hasContentType = false;
  let hasContentLength = false;
  for (const [rawName, rawValue] of headers) {
    const name = rawName.toLowerCase();
    const value = trimHttpWhitespace(rawValue);
    if (name === "set-cookie") {
      cookies.push(value);
      continue;
    }
    if (name === "content-type") hasContentType = true;
    else if (name === "content-length") hasContentLength = true;
    const previous = pairs[pairs.length - 1];
    if (previous !== undefined && previous[0] >= name) sorted = false;
    pairs.push([name, value]);
  }
  // Stable: values of one name keep their order when joined.
  if (!sorted) pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const flat: string[] = [];
  for (const [name, value] of pairs) {
    if (flat.length > 0 && flat[flat.length - 2] === name) flat[flat.length - 1] += `, ${value}`;
    else flat.push(name, value);
  }
  for (const cookie of cookies) flat.push("set-cookie", cookie);
  if (!hasContentType) flat.push("content-type", DEFAULT_CONTENT_TYPE);
  if (!hasContentLength) {
    if (typeof body === "string") flat.push("Content-Length", String(Buffer.byteLength(body)));
    else if (body instanceof Uint8Array) flat.push("Content-Length", String(body.byteLength));
  }
  return flat;
}

/**
 * Sends `plain` (with `extraHeaders`, e.g. the request id) on `outgoing`. A streamed body is written with its
 * source's backpressure; if it fails midway the connection is cut (the client must not take a truncated body for
 * a whole one), and if the client goes away the source is canceled. Resolves when the body is written or given up.
 */
export function writePlainResponse(
  outgoing: ServerResponse,
  plain: PlainResponse,
  extraHeaders: HeaderList,
): Promise<void> {
  const headers = extraHeaders.length === 0 ? plain.headers : [...plain.headers, ...extraHeaders];
  const { body } = plain;
  outgoing.writeHead(plain.status, flatHead(headers, body));
  if (body === null) {
    outgoing.end();
    return Promise.resolve();
  }
  if (typeof body === "string" || body instanceof Uint8Array) {
    outgoing.end(body);
    return Promise.resolve();
  }
  outgoing.flushHeaders();
  return pipeStream(body, outgoing);
}

function pipeStream(body: ReadableStream<Uint8Array>, outgoing: ServerResponse): Promise<void> {
  if (outgoing.destroyed) {
    body.cancel().catch(() => {});
    return Promise.resolve();
  }
  const reader = body.getReader();
  return new Promise<void>((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      outgoing.off("close", onClose);
      resolve();
    };
    // The client went away (or the connection was cut): the function's stream is canceled.
    const onClose = () => {
      reader.cancel().catch(() => {});
      finish();
    };
    const fail = (error: unknown) => {
      outgoing.destroy(error instanceof Error ? error : new Error(String(error)));
      finish();
    };
    const flow = (result: Awaited<ReturnType<typeof reader.read>>): void => {
      if (result.done) {
        outgoing.end();
        finish();
        return;
      }
      if (finished) return;
      if (outgoing.write(result.value)) reader.read().then(flow, fail);
      else outgoing.once("drain", () => reader.read().then(flow, fail));
    };
    outgoing.once("close", onClose);
    reader.read().then(flow, fail);
  });
}

/** Strips leading and trailing HTTP whitespace, as `Headers` normalizes a value. */
function trimHttpWhitespace(value: string): string {
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  if (first > 32 && last > 32) return value;
  return value.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, "");
}

/** A platform error as the Hono error handler renders it (`c.json`: DESIGN §5 JSON and its extra headers). */
export function plainErrorResponse(error: SkiffError): PlainResponse {
  return {
    status: error.status,
    statusText: "",
    headers: [["content-type", "application/json"], ...errorHeaders(error)],
    body: JSON.stringify(error.toBody()),
  };
}
