// fetch(): builds the Request, reads its body, and hands a plain copy to the host, which applies the egress
// policy and does the network work (DESIGN §7). Only plain data crosses, in both directions.
import type { PlainFetchRequest, PlainFetchResponse } from "../../fetch-types.js";
import type { AbortSignal } from "../abort.js";
import { callHost } from "../host.js";
import { loadEvents } from "../lazy.js";
import { readBody } from "./body.js";
import { Headers, headerList } from "./headers.js";
import { Request, type RequestInit } from "./request.js";
import { createResponse, isNullBodyStatus, type Response } from "./response.js";

/** Checks the host's answer, which arrives as a copy with no guaranteed shape. */
export function toPlainResponse(value: unknown): PlainFetchResponse {
  const answer = (typeof value === "object" && value !== null ? value : {}) as Partial<PlainFetchResponse>;
  const { status, headers, body } = answer;
  if (
    typeof status !== "number" ||
    !Number.isInteger(status) ||
    status < 100 ||
    status > 599 ||
    !Array.isArray(headers) ||
    !(body instanceof Uint8Array || body === null || body === undefined)
  ) {
    throw new TypeError("fetch failed: the host answered with an unexpected response");
  }
  return {
    status,
    statusText: typeof answer.statusText === "string" ? answer.statusText : "",
    headers,
    body: body ?? new Uint8Array(0),
    url: typeof answer.url === "string" ? answer.url : "",
    redirected: answer.redirected === true,
  };
}

/** Settles with `promise`, or rejects with the signal's reason as soon as it aborts. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | null): Promise<T> {
  if (signal === null) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const remove = loadEvents().addAbortAlgorithm(signal, reject);
    promise.then(
      (value) => {
        remove();
        resolve(value);
      },
      (error: unknown) => {
        remove();
        reject(error);
      },
    );
  });
}

export async function fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  // The caller's signal, not the request's own follower, so an abort before the first await is seen at once.
  const signal = init?.signal ?? (input instanceof Request ? input.signal : null);
  signal?.throwIfAborted();
  const protocol = request.url.slice(0, request.url.indexOf(":") + 1);
  if (protocol !== "http:" && protocol !== "https:") {
    throw new TypeError(`fetch failed: the ${protocol} scheme is not supported`);
  }
  const body = await untilAborted(readBody(request), signal);
  const plain: PlainFetchRequest = {
    url: request.url,
    method: request.method,
    headers: headerList(request.headers),
    body,
    redirect: request.redirect,
  };
  const answer = toPlainResponse(await untilAborted(callHost("fetch", plain), signal));
  return responseOf(answer, request.method);
}

/** The immutable Response tenant code gets for a checked host answer (fetch, service bindings). */
export function responseOf(answer: PlainFetchResponse, method: string): Response {
  const headers = new Headers();
  for (const pair of answer.headers) {
    if (Array.isArray(pair) && typeof pair[0] === "string" && typeof pair[1] === "string") {
      headers.append(pair[0], pair[1]);
    }
  }
  const noBody = isNullBodyStatus(answer.status) || method === "HEAD";
  return createResponse({
    body: { bytes: noBody ? null : answer.body, stream: null, contentType: null },
    status: answer.status,
    statusText: answer.statusText,
    headers,
    type: "basic",
    url: answer.url,
    redirected: answer.redirected,
    guard: "immutable",
  });
}
