// The Fetch standard's Request.
import { URL } from "whatwg-url";
import type { AbortSignal } from "../abort.js";
import { isUint8Array, spansItsBuffer } from "../intrinsics.js";
import { loadEvents } from "../lazy.js";
import { Body, type BodyInit, cloneBody, type ExtractedBody, extractBody, takeBody } from "./body.js";
import { Headers, type HeadersInit, headersFromHostList } from "./headers.js";

export type RequestRedirect = "follow" | "error" | "manual";

export interface RequestInit {
  method?: string;
  headers?: HeadersInit;
  body?: BodyInit;
  redirect?: RequestRedirect;
  signal?: AbortSignal | null;
  integrity?: string;
  keepalive?: boolean;
  duplex?: "half";
  // Accepted and ignored, as on Workers: they govern browser behaviour that has no meaning here.
  cache?: string;
  credentials?: string;
  mode?: string;
  referrer?: string;
  referrerPolicy?: string;
  priority?: string;
  window?: null;
}

const NORMALIZED_METHODS = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH"]);
const FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function normalizeMethod(method: unknown): string {
  // The common case: a method already in its normalized form comes back as is (a switch: no regular expression,
  // no Set lookup, neither of which tenant code can redirect here).
  switch (method) {
    case "GET":
    case "POST":
    case "PUT":
    case "DELETE":
    case "HEAD":
    case "OPTIONS":
    case "PATCH":
      return method;
  }
  const text = String(method);
  if (!TOKEN.test(text)) throw new TypeError(`'${text}' is not a valid HTTP method`);
  const upper = text.toUpperCase();
  if (FORBIDDEN_METHODS.has(upper)) throw new TypeError(`'${text}' HTTP method is unsupported`);
  return NORMALIZED_METHODS.has(upper) ? upper : text;
}

function parseUrl(input: unknown): string {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    throw new TypeError(`Invalid URL: ${String(input)}`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new TypeError(`Request cannot be constructed from a URL that includes credentials: ${url.href}`);
  }
  return url.href;
}

/** Set only for the one `new Request` that `incomingRequest` makes; taken (and cleared) first thing. */
let hostSerializedUrl: string | undefined;

/**
 * The Request for an incoming HTTP event whose URL the host has already parsed and found in its serialized form
 * (Node's WHATWG parser, no credentials): it is not parsed again here. whatwg-url's parser costs ≈ 60 µs in an
 * isolate, a third of a warm hello's time in the worker. `init.headers` is the host's list of pairs.
 */
export function incomingRequest(url: string, init: RequestInit): Request {
  hostSerializedUrl = url;
  try {
    return new Request(url, init);
  } finally {
    hostSerializedUrl = undefined;
  }
}

export class Request extends Body {
  readonly #method: string;
  readonly #url: string;
  readonly #headers: Headers;
  readonly #redirect: RequestRedirect;
  readonly #integrity: string;
  readonly #keepalive: boolean;
  /** The signal this request follows; its own signal is made on first read. */
  readonly #parentSignal: AbortSignal | null;
  #signal: AbortSignal | null = null;

  constructor(input: string | URL | Request, init: RequestInit = {}) {
    // Before anything that could run tenant code (a getter on `init`), so no other Request can use it.
    const serialized = hostSerializedUrl;
    hostSerializedUrl = undefined;
    if (init !== undefined && init !== null && typeof init !== "object") {
      throw new TypeError("Request: init must be an object");
    }
    const options: RequestInit = init ?? {};
    const source = input instanceof Request ? input : null;
    const url = source === null ? (serialized ?? parseUrl(input)) : source.url;
    const method = options.method !== undefined ? normalizeMethod(options.method) : (source?.method ?? "GET");
    const redirect = options.redirect ?? source?.redirect ?? "follow";
    // Compared, not looked up in a Set: no Set method tenant code may have replaced is called.
    if (redirect !== "follow" && redirect !== "error" && redirect !== "manual")
      throw new TypeError(`Request: invalid redirect mode "${redirect}"`);
    const signal = options.signal === undefined ? (source?.signal ?? null) : options.signal;
    // Before the events module loads, no AbortSignal exists for `signal` to be.
    if (signal !== null && !(loadEvents.loaded && signal instanceof loadEvents().AbortSignal)) {
      throw new TypeError("Request: signal must be an AbortSignal");
    }
    // The host's header list (valid, lowercase names) goes through the cheap checks of headersFromHostList.
    const headers =
      serialized !== undefined
        ? headersFromHostList(options.headers)
        : new Headers(options.headers ?? source?.headers);
    const hasInitBody = options.body !== undefined && options.body !== null;
    if (hasInitBody && (method === "GET" || method === "HEAD")) {
      throw new TypeError("Request with GET/HEAD method cannot have body");
    }
    let body: ExtractedBody;
    if (hasInitBody) {
      // The host's body bytes are this invocation's own copy: taken without another (extractBody copies a view)
      // when they span their buffer, so that `.buffer` of a chunk read from `request.body` holds nothing else.
      body =
        serialized !== undefined && isUint8Array(options.body) && spansItsBuffer(options.body)
          ? { bytes: options.body, stream: null, contentType: null }
          : extractBody(options.body);
      if (body.contentType !== null && !headers.has("content-type"))
        headers.set("content-type", body.contentType);
    } else if (source !== null && options.body === undefined) {
      body = takeBody(source);
      if ((body.bytes !== null || body.stream !== null) && (method === "GET" || method === "HEAD")) {
        throw new TypeError("Request with GET/HEAD method cannot have body");
      }
    } else {
      body = extractBody(null);
    }
    super(body);
    this.#method = method;
    this.#url = url;
    this.#headers = headers;
    this.#redirect = redirect;
    this.#integrity = String(options.integrity ?? source?.integrity ?? "");
    this.#keepalive = Boolean(options.keepalive ?? source?.keepalive ?? false);
    this.#parentSignal = signal;
  }

  get method(): string {
    return this.#method;
  }

  get url(): string {
    return this.#url;
  }

  get headers(): Headers {
    return this.#headers;
  }

  get redirect(): RequestRedirect {
    return this.#redirect;
  }

  get signal(): AbortSignal {
    if (this.#signal === null) {
      const { AbortController, AbortSignal } = loadEvents();
      this.#signal =
        this.#parentSignal === null ? new AbortController().signal : AbortSignal.any([this.#parentSignal]);
    }
    return this.#signal;
  }

  get integrity(): string {
    return this.#integrity;
  }

  get keepalive(): boolean {
    return this.#keepalive;
  }

  get cache(): string {
    return "default";
  }

  get credentials(): string {
    return "same-origin";
  }

  get destination(): string {
    return "";
  }

  get mode(): string {
    return "cors";
  }

  get referrer(): string {
    return "about:client";
  }

  get referrerPolicy(): string {
    return "";
  }

  get duplex(): string {
    return "half";
  }

  clone(): Request {
    if (this.bodyUsed) throw new TypeError("Cannot clone a Request whose body was used");
    const body = cloneBody(this);
    return new Request(this.#url, {
      method: this.#method,
      headers: this.#headers,
      redirect: this.#redirect,
      signal: this.signal,
      integrity: this.#integrity,
      keepalive: this.#keepalive,
      body: (body.stream ?? body.bytes) as BodyInit,
    });
  }

  get [Symbol.toStringTag](): string {
    return "Request";
  }
}
