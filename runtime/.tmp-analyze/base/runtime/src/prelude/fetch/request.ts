// The Fetch standard's Request over byte bodies.
import { Headers } from "headers-polyfill";
import { Body, type BodyInit, extractBody } from "./body.js";

export interface RequestInit {
  method?: string;
  headers?: HeadersInit;
  body?: BodyInit;
  redirect?: "follow" | "error" | "manual";
}

type HeadersInit = ConstructorParameters<typeof Headers>[0];

const NORMALIZED_METHODS = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH"]);
const FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function normalizeMethod(method: string): string {
  if (!TOKEN.test(method)) throw new TypeError(`'${method}' is not a valid HTTP method`);
  const upper = method.toUpperCase();
  if (FORBIDDEN_METHODS.has(upper)) throw new TypeError(`'${method}' HTTP method is unsupported`);
  return NORMALIZED_METHODS.has(upper) ? upper : method;
}

export class Request extends Body {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  readonly redirect: "follow" | "error" | "manual";

  constructor(input: string | URL | Request, init: RequestInit = {}) {
    const source = input instanceof Request ? input : null;
    const method = normalizeMethod(init.method ?? source?.method ?? "GET");
    let bytes: Uint8Array | null;
    let contentType: string | null = null;
    if (init.body !== undefined) {
      ({ bytes, contentType } = extractBody(init.body));
    } else {
      if (source?.bodyUsed)
        throw new TypeError("Cannot construct a Request from a Request whose body was used");
      bytes = source === null ? null : Body.peek(source);
    }
    if (bytes !== null && (method === "GET" || method === "HEAD")) {
      throw new TypeError("Request with GET/HEAD method cannot have body");
    }
    super(bytes);
    this.method = method;
    this.url = new URL(source === null ? String(input) : source.url).href;
    this.headers = new Headers(init.headers ?? source?.headers ?? undefined);
    if (contentType !== null && !this.headers.has("content-type"))
      this.headers.set("content-type", contentType);
    this.redirect = init.redirect ?? source?.redirect ?? "follow";
  }

  clone(): Request {
    if (this.bodyUsed) throw new TypeError("Cannot clone a Request whose body was used");
    return new Request(this);
  }

  get [Symbol.toStringTag](): string {
    return "Request";
  }
}
