// Validates the fetch request that arrives from the isolate. It was copied out of tenant-reachable memory, so
// every field is checked and a fresh object built; nothing of the original is kept or merged.
import { isUint8Array } from "node:util/types";
import type { PlainFetchRequest } from "../../fetch-types.js";
import { EgressError } from "./egress-error.js";

export interface RequestLimits {
  /** Largest request body, bytes. */
  maxRequestBytes: number;
}

/** Cloudflare's limits: a URL of 16 KiB, request headers of 128 KiB. */
const MAX_URL_LENGTH = 16 * 1024;
const MAX_HEADER_BYTES = 128 * 1024;
const MAX_HEADER_COUNT = 256;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A header value as undici sends it: no NUL, CR or LF, nothing above U+00FF. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** Methods the Fetch standard normalizes to upper case. */
const NORMALIZED_METHODS = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"]);
const FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);
/**
 * Headers that describe one connection, not the request (RFC 9110 §7.6.1), and ones the host sets itself:
 * `host` comes from the URL, `content-length` from the body.
 */
const DROPPED_HEADERS = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authorization",
  "proxy-authenticate",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "expect",
  "host",
  "content-length",
]);
const REDIRECT_MODES = new Set(["follow", "manual", "error"]);

function invalid(message: string): EgressError {
  return new EgressError("INVALID_FETCH", `fetch: ${message}`);
}

function field(value: object, name: string): unknown {
  return Object.hasOwn(value, name) ? (value as Record<string, unknown>)[name] : undefined;
}

/**
 * Parses a URL a fetch may go to: http or https, a host, no credentials. The fragment is dropped (it is
 * never sent).
 */
export function parseFetchUrl(text: unknown): URL {
  if (typeof text !== "string") throw invalid("the URL must be a string");
  if (text.length > MAX_URL_LENGTH) throw invalid(`the URL is longer than ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(`"${text.slice(0, 200)}" is not a valid URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw invalid(`only http: and https: URLs can be fetched, not ${url.protocol}`);
  }
  if (url.hostname === "") throw invalid(`the URL ${url.href} has no host`);
  if (url.username !== "" || url.password !== "") {
    throw invalid("the URL contains credentials; send them in an Authorization header instead");
  }
  url.hash = "";
  return url;
}

function parseMethod(value: unknown): string {
  if (typeof value !== "string" || !TOKEN.test(value) || value.length > 64) {
    throw invalid(`"${String(value).slice(0, 64)}" is not a valid HTTP method`);
  }
  const upper = value.toUpperCase();
  if (FORBIDDEN_METHODS.has(upper)) throw invalid(`the ${upper} method is not allowed`);
  return NORMALIZED_METHODS.has(upper) ? upper : value;
}

function parseHeaders(value: unknown): Array<[string, string]> {
  if (!Array.isArray(value)) throw invalid("headers must be a list of [name, value] pairs");
  if (value.length > MAX_HEADER_COUNT) throw invalid(`more than ${MAX_HEADER_COUNT} request headers`);
  const pairs: Array<[string, string]> = [];
  let bytes = 0;
  for (const pair of value as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2)
      throw invalid("headers must be a list of [name, value] pairs");
    const [name, raw] = pair as unknown[];
    if (typeof name !== "string" || !TOKEN.test(name)) {
      throw invalid(`"${String(name).slice(0, 64)}" is not a valid header name`);
    }
    if (typeof raw !== "string" || !HEADER_VALUE.test(raw))
      throw invalid(`the value of header "${name}" is invalid`);
    bytes += name.length + raw.length + 4;
    if (bytes > MAX_HEADER_BYTES) throw invalid(`request headers larger than ${MAX_HEADER_BYTES} bytes`);
    pairs.push([name.toLowerCase(), raw.replace(/^[\t ]+|[\t ]+$/g, "")]);
  }
  // Names listed in Connection are hop-by-hop too.
  const alsoDropped = new Set(
    pairs
      .filter(([name]) => name === "connection")
      .flatMap(([, v]) =>
        v
          .toLowerCase()
          .split(",")
          .map((s) => s.trim()),
      ),
  );
  return pairs.filter(([name]) => !DROPPED_HEADERS.has(name) && !alsoDropped.has(name));
}

/**
 * Checks an untrusted request from the isolate and returns a fresh, well-formed copy: the method
 * normalized, header names lowercased, hop-by-hop headers, `host` and `content-length` dropped.
 */
export function parsePlainFetchRequest(value: unknown, limits: RequestLimits): PlainFetchRequest {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw invalid("the request must be an object");
  const url = parseFetchUrl(field(value, "url"));
  const method = parseMethod(field(value, "method"));
  const headers = parseHeaders(field(value, "headers"));
  const rawBody = field(value, "body");
  let body: Uint8Array | null = null;
  if (rawBody !== null && rawBody !== undefined) {
    if (!isUint8Array(rawBody)) throw invalid("the body must be bytes (a Uint8Array) or null");
    if (rawBody.byteLength > limits.maxRequestBytes) {
      throw invalid(`the request body is larger than ${limits.maxRequestBytes} bytes`);
    }
    if (method === "GET" || method === "HEAD") throw invalid(`a ${method} request cannot have a body`);
    body = rawBody;
  }
  const redirect = field(value, "redirect");
  if (typeof redirect !== "string" || !REDIRECT_MODES.has(redirect)) {
    throw invalid('redirect must be "follow", "manual" or "error"');
  }
  return { url: url.href, method, headers, body, redirect: redirect as PlainFetchRequest["redirect"] };
}
