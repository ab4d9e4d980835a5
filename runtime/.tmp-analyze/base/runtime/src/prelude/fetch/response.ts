// The Fetch standard's Response over byte bodies.
import { Headers } from "headers-polyfill";
import { Body, type BodyInit, extractBody } from "./body.js";

export interface ResponseInit {
  status?: number;
  statusText?: string;
  headers?: ConstructorParameters<typeof Headers>[0];
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;

export class Response extends Body {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly type: "default" | "error" = "default";
  readonly url = "";
  readonly redirected = false;

  constructor(body: BodyInit = null, init: ResponseInit = {}) {
    const status = init.status ?? 200;
    if (!Number.isInteger(status) || status < 200 || status > 599) {
      throw new RangeError(`Response status must be an integer from 200 to 599, got ${String(init.status)}`);
    }
    const statusText = init.statusText ?? "";
    if (!REASON_PHRASE.test(statusText))
      throw new TypeError("Response statusText contains invalid characters");
    const { bytes, contentType } = extractBody(body);
    if (bytes !== null && NULL_BODY_STATUSES.has(status)) {
      throw new TypeError(`Response with status ${status} cannot have a body`);
    }
    super(bytes);
    this.status = status;
    this.statusText = statusText;
    this.headers = new Headers(init.headers);
    if (contentType !== null && !this.headers.has("content-type"))
      this.headers.set("content-type", contentType);
  }

  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }

  clone(): Response {
    if (this.bodyUsed) throw new TypeError("Cannot clone a Response whose body was used");
    return new Response(Body.peek(this), {
      status: this.status,
      statusText: this.statusText,
      headers: this.headers,
    });
  }

  static json(data: unknown, init: ResponseInit = {}): Response {
    const text = JSON.stringify(data);
    if (text === undefined) throw new TypeError("Response.json: the value cannot be serialized to JSON");
    const headers = new Headers(init.headers);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
    return new Response(text, { ...init, headers });
  }

  static redirect(url: string | URL, status = 302): Response {
    if (!REDIRECT_STATUSES.has(status)) throw new RangeError(`Invalid redirect status ${status}`);
    return new Response(null, { status, headers: { location: new URL(String(url)).href } });
  }

  get [Symbol.toStringTag](): string {
    return "Response";
  }
}
