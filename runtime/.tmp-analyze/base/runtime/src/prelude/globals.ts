// Installs the Web platform globals tenant code sees (DESIGN §4) and freezes what the host relies on.

import structuredClone from "@ungap/structured-clone";
import base64 from "base-64";
import { Headers } from "headers-polyfill";
import { URL, URLSearchParams } from "whatwg-url";
import { console } from "./console.js";
import { crypto } from "./crypto.js";
import { Request } from "./fetch/request.js";
import { Response } from "./fetch/response.js";
import { clearInterval, clearTimeout, queueMicrotask, setInterval, setTimeout } from "./timers.js";

const INVALID_CHARACTER = "InvalidCharacterError";

function atob(data: unknown): string {
  try {
    return base64.decode(String(data).replace(/[\t\n\f\r ]/g, ""));
  } catch {
    throw Object.assign(new Error("atob: the string is not correctly base64-encoded"), {
      name: INVALID_CHARACTER,
    });
  }
}

function btoa(data: unknown): string {
  try {
    return base64.encode(String(data));
  } catch {
    throw Object.assign(new Error("btoa: the string contains characters outside Latin-1"), {
      name: INVALID_CHARACTER,
    });
  }
}

const globals: Record<string, unknown> = {
  URL,
  URLSearchParams,
  Headers,
  Request,
  Response,
  console,
  crypto,
  atob,
  btoa,
  structuredClone: (value: unknown) => structuredClone(value, { lossy: false }),
  setTimeout,
  clearTimeout,
  setInterval,
  clearInterval,
  queueMicrotask,
};

for (const [name, value] of Object.entries(globals)) {
  Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
}
