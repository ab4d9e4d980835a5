// The data plane served straight from Node's `request` listener, before Hono: no Hono context, no Fetch
// Request, Response or Headers per request. It answers exactly as the Hono chain (request id, HTTP metrics,
// URL limit, data plane, error handler) would, at a fraction of the main process's CPU per warm request.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { SkiffError } from "@skiff/core";
import { getPath } from "hono/utils/url";
import type { Logger } from "pino";
import { clientError } from "../error-handler.js";
import { acceptedRequestId, logRequestAnswered, REQUEST_ID_HEADER } from "../http/request-id.js";
import { admittedVersion, type DataPlaneDeps } from "./data-plane.js";
import { type DataPlaneTarget, DataPlaneTargets } from "./data-plane-target.js";
import { nodeHttpEvent } from "./http-event.js";
import { drainUnread } from "./incoming-drain.js";
import { INVOCATION_ID_HEADER, type PlainResponse } from "./invocation-response.js";
import { clientGone, headerValue } from "./node-request.js";
import { plainErrorResponse, writePlainResponse } from "./node-response.js";
import { runPlainInvocation } from "./run-invocation.js";

/** Takes a request (true) or leaves it to the next listener (false), deciding synchronously. */
export type NodeRequestHandler = (incoming: IncomingMessage, outgoing: ServerResponse) => boolean;

/** Where each answered request is counted and timed (the HTTP RED metrics). */
export interface HttpObserver<Route extends string = "function"> {
  observeHttp(route: Route, method: string, status: number, seconds: number): void;
}

export type NodeDataPlaneDeps = DataPlaneDeps & {
  logger: Logger;
  /** Longest request target in bytes; a longer one is left to the Hono chain, which answers 414. */
  maxUrlBytes: number;
  metrics: HttpObserver;
  newRequestId?: () => string;
};

/**
 * The handler for Node's `request` event: answers data-plane requests (`dataPlaneTarget`) and returns true, or
 * returns false at once for anything else, which then goes to the Hono app.
 *
 * @example
 * const dataPlane = nodeDataPlane(deps);
 * createServer((incoming, outgoing) => dataPlane(incoming, outgoing) || honoListener(incoming, outgoing));
 */
export function nodeDataPlane(deps: NodeDataPlaneDeps): NodeRequestHandler {
  const newRequestId = deps.newRequestId ?? randomUUID;
  const targets = new DataPlaneTargets(deps.baseDomain, deps.maxUrlBytes);
  return (incoming, outgoing) => {
    const target = targets.of(incoming);
    if (target === undefined) return false;
    void serve(deps, newRequestId, target, incoming, outgoing);
    return true;
  };
}

async function serve(
  deps: NodeDataPlaneDeps,
  newRequestId: () => string,
  target: DataPlaneTarget,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
): Promise<void> {
  const started = performance.now();
  const method = incoming.method ?? "GET";
  const requestId = acceptedRequestId(headerValue(incoming, REQUEST_ID_HEADER)) ?? newRequestId();
  if (method !== "GET" && method !== "HEAD") drainUnread(incoming, outgoing);
  let plain: PlainResponse;
  try {
    plain = await invoke(deps, target, incoming, outgoing);
  } catch (error) {
    const answer = clientError(error, deps.logger, () => ({
      requestId,
      method,
      path: getPath({ url: target.href } as Request),
    }));
    plain = plainErrorResponse(answer);
  }
  if (method === "HEAD") plain = withoutBody(plain);
  let written: Promise<void>;
  try {
    written = writePlainResponse(outgoing, plain, [[REQUEST_ID_HEADER, requestId]]);
  } catch (error) {
    deps.logger.error({ err: error, requestId }, "could not write a function's response");
    outgoing.destroy();
    return;
  }
  const ms = performance.now() - started;
  deps.metrics.observeHttp("function", method, plain.status, ms / 1000);
  logRequestAnswered(deps.logger, plain.status, () => ({
    requestId,
    method,
    path: getPath({ url: target.href } as Request),
    ms,
    invocationId: plain.headers.find(([name]) => name === INVOCATION_ID_HEADER)?.[1],
  }));
  await written;
}

/** The Hono data plane's work (`dataPlane`), reading Node's request. */
async function invoke(
  deps: NodeDataPlaneDeps,
  { origin, mount }: DataPlaneTarget,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
): Promise<PlainResponse> {
  const version = admittedVersion(deps, mount);
  const signal = clientGone({ incoming, outgoing });
  const read = nodeHttpEvent(incoming, `${origin}${mount.path}`, deps.requestBodyBytes);
  // Not awaited when there is no body: the invocation then leaves within this callback (see `nodeHttpEvent`).
  const event = read instanceof Promise ? await read : read;
  // A client that left while its body was being read would see nothing of an invocation: do not start one.
  if (signal.aborted) {
    throw new SkiffError("INVALID_REQUEST", "the client closed the connection before its request was read");
  }
  const clientIp = incoming.socket?.remoteAddress;
  if (clientIp !== undefined) event.clientIp = clientIp;
  return runPlainInvocation(deps, version, event, {
    trigger: "http",
    signal,
    chunked: incoming.httpVersion !== "1.0",
    afterAnswer: (write) => setImmediate(recordAnswered, deps.logger, write),
  });
}

/**
 * Records an answered invocation, after its response was written: an immediate runs after the microtasks that
 * write it and before the loop reads any further request, so whoever saw the answer finds the record added.
 * Run from the loop, it must not take the process down: a failure is logged.
 */
function recordAnswered(logger: Logger, write: () => void): void {
  try {
    write();
  } catch (error) {
    logger.error({ err: error }, "could not record an answered invocation");
  }
}

/** Hono answers HEAD with the GET response's head and no body (not even a Content-Length): so does this. */
function withoutBody(plain: PlainResponse): PlainResponse {
  if (plain.body === null) return plain;
  if (plain.body instanceof ReadableStream) plain.body.cancel().catch(() => {});
  return { ...plain, body: null };
}
