// Installs the Web platform globals tenant code sees (DESIGN §4) and freezes what the host relies on.

import structuredClone from "@ungap/structured-clone";
import base64 from "base-64";
import { URL, URLSearchParams } from "whatwg-url";
import { console } from "./console.js";
import { Crypto, crypto } from "./crypto.js";
import { DOMException } from "./dom-exception.js";
import { fetch } from "./fetch/fetch.js";
import { Headers } from "./fetch/headers.js";
import { Request } from "./fetch/request.js";
import { Response } from "./fetch/response.js";
import { defineGlobal, defineLazyGlobal, loadEvents, loadForms, loadStreams, loadSubtle } from "./lazy.js";
import "./webassembly.js";
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

/** structuredClone (HTML), with what it cannot clone reported as the standard's DataCloneError. */
function clone(value: unknown): unknown {
  try {
    return structuredClone(value, { lossy: false });
  } catch (error) {
    if (error instanceof TypeError) throw new DOMException(error.message, "DataCloneError");
    throw error;
  }
}

const globals: Record<string, unknown> = {
  URL,
  URLSearchParams,
  Headers,
  Request,
  Response,
  fetch,
  DOMException,
  console,
  crypto,
  Crypto,
  atob,
  btoa,
  structuredClone: clone,
  setTimeout,
  clearTimeout,
  setInterval,
  clearInterval,
  queueMicrotask,
};

for (const [name, value] of Object.entries(globals)) defineGlobal(name, value);

// These load on first use (lazy.ts): most invocations touch none of them. Bodies stay bytes until `.body`
// is read, so even a Response does not load streams.
for (const name of [
  "ReadableStream",
  "ReadableStreamDefaultReader",
  "ReadableStreamBYOBReader",
  "ReadableStreamBYOBRequest",
  "ReadableStreamDefaultController",
  "ReadableByteStreamController",
  "WritableStream",
  "WritableStreamDefaultWriter",
  "WritableStreamDefaultController",
  "TransformStream",
  "TransformStreamDefaultController",
  "ByteLengthQueuingStrategy",
  "CountQueuingStrategy",
  "TextEncoderStream",
  "TextDecoderStream",
] as const) {
  defineLazyGlobal(name, loadStreams, (streams) => streams[name]);
}
for (const name of ["Event", "EventTarget", "CustomEvent", "AbortController", "AbortSignal"] as const) {
  defineLazyGlobal(name, loadEvents, (events) => events[name]);
}
for (const name of ["Blob", "File", "FormData"] as const)
  defineLazyGlobal(name, loadForms, (forms) => forms[name]);
for (const name of ["SubtleCrypto", "CryptoKey"] as const) {
  defineLazyGlobal(name, loadSubtle, (subtle) => subtle[name]);
}
