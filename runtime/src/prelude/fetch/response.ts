// The Fetch standard's Response.
import { URL } from "whatwg-url";
import { Body, type BodyInit, cloneBody, type ExtractedBody, extractBody } from "./body.js";
import { Headers, type HeadersGuard, type HeadersInit, setHeadersGuard } from "./headers.js";

export interface ResponseInit {
  status?: number;
  statusText?: string;
  headers?: HeadersInit;
}

export type ResponseType = "default" | "basic" | "error";

/** What only the prelude may set: a status outside 200–599, the type, the URL, the headers guard. */
interface InternalInit {
  body: ExtractedBody;
  status: number;
  statusText: string;
  headers: Headers;
  type: ResponseType;
  url: string;
  redirected: boolean;
  guard: HeadersGuard;
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Builds a Response without the checks a tenant's `new Response()` goes through (fetch results, errors). */
export let createResponse: (init: InternalInit) => Response;
/**
 * Status, status text and headers of a real Response (undefined for anything else), read from its private
 * fields: neither `instanceof` nor the prototype's getters, both of which tenant code can redefine.
 */
export let responseHead: (
  value: unknown,
) => { status: number; statusText: string; headers: Headers } | undefined;
let internal: InternalInit | null = null;

export function isNullBodyStatus(status: number): boolean {
  return NULL_BODY_STATUSES.has(status);
}

export class Response extends Body {
  readonly #status: number;
  readonly #statusText: string;
  readonly #headers: Headers;
  readonly #type: ResponseType;
  readonly #url: string;
  readonly #redirected: boolean;

  constructor(body: BodyInit = null, init: ResponseInit = {}) {
    const given = internal;
    internal = null;
    if (given !== null) {
      super(given.body);
      this.#status = given.status;
      this.#statusText = given.statusText;
      this.#headers = given.headers;
      this.#type = given.type;
      this.#url = given.url;
      this.#redirected = given.redirected;
      setHeadersGuard(this.#headers, given.guard);
      return;
    }
    if (init !== undefined && init !== null && typeof init !== "object") {
      throw new TypeError("Response: init must be an object");
    }
    const options: ResponseInit = init ?? {};
    const status = options.status === undefined ? 200 : Number(options.status);
    if (!Number.isInteger(status) || status < 200 || status > 599) {
      throw new RangeError(
        `Response status must be an integer from 200 to 599, got ${String(options.status)}`,
      );
    }
    const statusText = options.statusText === undefined ? "" : String(options.statusText);
    if (!REASON_PHRASE.test(statusText))
      throw new TypeError("Response statusText contains invalid characters");
    const headers = new Headers(options.headers);
    const extracted = extractBody(body);
    if ((extracted.bytes !== null || extracted.stream !== null) && NULL_BODY_STATUSES.has(status)) {
      throw new TypeError(`Response with status ${status} cannot have a body`);
    }
    if (extracted.contentType !== null && !headers.has("content-type")) {
      headers.set("content-type", extracted.contentType);
    }
    super(extracted);
    this.#status = status;
    this.#statusText = statusText;
    this.#headers = headers;
    this.#type = "default";
    this.#url = "";
    this.#redirected = false;
  }

  static {
    createResponse = (init) => {
      internal = init;
      try {
        return new Response();
      } finally {
        internal = null;
      }
    };
    responseHead = (value) =>
      typeof value === "object" && value !== null && #status in value
        ? { status: value.#status, statusText: value.#statusText, headers: value.#headers }
        : undefined;
  }

  get status(): number {
    return this.#status;
  }

  get statusText(): string {
    return this.#statusText;
  }

  get ok(): boolean {
    return this.#status >= 200 && this.#status <= 299;
  }

  get headers(): Headers {
    return this.#headers;
  }

  get type(): ResponseType {
    return this.#type;
  }

  get url(): string {
    return this.#url;
  }

  get redirected(): boolean {
    return this.#redirected;
  }

  clone(): Response {
    if (this.bodyUsed) throw new TypeError("Cannot clone a Response whose body was used");
    const headers = new Headers(this.#headers);
    return createResponse({
      body: cloneBody(this),
      status: this.#status,
      statusText: this.#statusText,
      headers,
      type: this.#type,
      url: this.#url,
      redirected: this.#redirected,
      guard: this.#type === "default" ? "none" : "immutable",
    });
  }

  static json(data: unknown, init: ResponseInit = {}): Response {
    const text = JSON.stringify(data);
    if (text === undefined) throw new TypeError("Response.json: the value cannot be serialized to JSON");
    const headers = new Headers(init?.headers);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
    return new Response(text, { ...init, headers });
  }

  static redirect(url: string | URL, status = 302): Response {
    let location: string;
    try {
      location = new URL(String(url)).href;
    } catch {
      throw new TypeError(`Response.redirect: invalid URL ${String(url)}`);
    }
    if (!REDIRECT_STATUSES.has(status)) throw new RangeError(`Invalid redirect status ${status}`);
    const headers = new Headers({ location });
    return createResponse({
      body: extractBody(null),
      status,
      statusText: "",
      headers,
      type: "default",
      url: "",
      redirected: false,
      guard: "immutable",
    });
  }

  static error(): Response {
    return createResponse({
      body: extractBody(null),
      status: 0,
      statusText: "",
      headers: new Headers(),
      type: "error",
      url: "",
      redirected: false,
      guard: "immutable",
    });
  }

  get [Symbol.toStringTag](): string {
    return "Response";
  }
}
