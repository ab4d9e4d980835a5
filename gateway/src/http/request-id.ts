// A request id per HTTP request: the client's `x-request-id` if it is a sane token, else a new one; echoed in
// the response and carried by every platform log line about the request, so a client's report finds its logs.
import { randomUUID } from "node:crypto";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { Logger } from "pino";

declare module "hono" {
  interface ContextVariableMap {
    /** Set for every request by the `requestId` middleware. */
    requestId: string;
  }
}

export const REQUEST_ID_HEADER = "x-request-id";

/** What a client may choose: a visible token of at most 128 characters, nothing a log or header could trip on. */
const VALID_REQUEST_ID = /^[A-Za-z0-9._~:/+=-]{1,128}$/;

/** The client's id when it is valid, else undefined (and a new one is made). */
export function acceptedRequestId(header: string | undefined): string | undefined {
  return header !== undefined && VALID_REQUEST_ID.test(header) ? header : undefined;
}

export interface RequestIdOptions {
  logger: Logger;
  newRequestId?: () => string;
  /** The header a function's answer names its invocation with, logged beside the request id. */
  invocationIdHeader?: string;
}

/**
 * Mount first. Sets `c.var.requestId`, answers with `x-request-id`, and logs each request once it is answered
 * (info; 5xx at warn) with its id, method, path, status and time to the response head.
 *
 * @example
 * app.use("*", requestId({ logger }));
 * app.get("/x", (c) => { requestLogger(c, logger).info("working"); return c.text("ok"); });
 */
export function requestId(options: RequestIdOptions) {
  const newRequestId = options.newRequestId ?? randomUUID;
  const { logger } = options;
  return createMiddleware(async (c, next) => {
    const id = acceptedRequestId(c.req.header(REQUEST_ID_HEADER)) ?? newRequestId();
    c.set("requestId", id);
    const started = performance.now();
    try {
      await next();
    } finally {
      setResponseHeader(c, REQUEST_ID_HEADER, id);
      logRequestAnswered(logger, c.res.status, () => ({
        requestId: id,
        method: c.req.method,
        path: c.req.path,
        ms: performance.now() - started,
        invocationId:
          options.invocationIdHeader === undefined
            ? undefined
            : c.res.headers.get(options.invocationIdHeader),
      }));
    }
  });
}

/** What the "request answered" line says besides the status; built only when the line is logged. */
export interface AnsweredRequest {
  requestId: string;
  method: string;
  path: string;
  /** Time to the response head. */
  ms: number;
  invocationId?: string | null | undefined;
}

/**
 * The one line logged for each answered request (info; 5xx at warn), by the `requestId` middleware and by the
 * paths that answer before Hono (data plane, async invoke), so every request is logged alike.
 */
export function logRequestAnswered(logger: Logger, status: number, describe: () => AnsweredRequest): void {
  const level = status >= 500 ? "warn" : "info";
  if (!logger.isLevelEnabled(level)) return;
  const { requestId, method, path, ms, invocationId } = describe();
  logger[level](
    {
      requestId,
      method,
      path,
      status,
      ms: Math.round(ms * 100) / 100,
      ...(invocationId ? { invocationId } : {}),
    },
    "request answered",
  );
}

/** The logger for a request: `logger` with the request's id bound, if the request has one. */
export function requestLogger(c: Context, logger: Logger): Logger {
  const id = c.get("requestId");
  return id === undefined ? logger : logger.child({ requestId: id });
}

/** Sets a header on the response in place; a response with immutable headers (from `fetch`) is copied first. */
function setResponseHeader(c: Context, name: string, value: string): void {
  try {
    c.res.headers.set(name, value);
  } catch {
    c.header(name, value);
  }
}
