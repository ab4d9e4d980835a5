// The one place platform errors become HTTP responses (DESIGN §5 JSON), so every route answers alike.
import { type ErrorBody, type ErrorCode, type HeaderList, isSkiffError, SkiffError } from "@skiff/core";
import { isStorageUnavailable } from "@skiff/storage";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "pino";

/** Hono's own HTTP errors (raised by its helpers) carry only a status; give them our codes. */
const HTTP_EXCEPTION_CODES: Record<number, ErrorCode> = {
  400: "INVALID_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  413: "PAYLOAD_TOO_LARGE",
};

/** Renders a `SkiffError` with its status; a 401 also names the scheme the client should use. */
export function errorResponse(c: Context, error: SkiffError): Response {
  const body: ErrorBody = error.toBody();
  for (const [name, value] of errorHeaders(error)) c.header(name, value);
  return c.json(body, error.status as 400);
}

/** The headers an error answer carries besides its JSON: a 401's scheme, a quota refusal's `Retry-After`. */
export function errorHeaders(error: SkiffError): HeaderList {
  const headers: HeaderList = [];
  if (error.code === "UNAUTHORIZED") headers.push(["WWW-Authenticate", 'Bearer realm="skiff"']);
  const retryAfter = retryAfterSeconds(error);
  if (retryAfter !== undefined) headers.push(["Retry-After", String(retryAfter)]);
  return headers;
}

/** A quota refusal's wait (`details.retryAfterSeconds`, whole seconds), for the `Retry-After` header. */
function retryAfterSeconds(error: SkiffError): number | undefined {
  const details = error.details as { retryAfterSeconds?: unknown } | undefined;
  const seconds = details?.retryAfterSeconds;
  return typeof seconds === "number" && Number.isSafeInteger(seconds) && seconds > 0 ? seconds : undefined;
}

/**
 * `app.onError`: a `SkiffError` is rendered as is; the metadata database failing (disk full, I/O error,
 * corruption, lock timeout) is logged and answered 503 METADATA_UNAVAILABLE; anything else is logged and
 * answered 500 INTERNAL_ERROR. Neither answer carries the original message, which may hold paths, SQL or
 * tenant data.
 */
export function createErrorHandler(logger: Logger): ErrorHandler {
  return (error, c) =>
    errorResponse(
      c,
      clientError(error, logger, () => ({
        requestId: c.get("requestId"),
        method: c.req.method,
        path: c.req.path,
      })),
    );
}

/** Where an error happened, for its log line. */
export interface ErrorScene {
  requestId: string | undefined;
  method: string;
  path: string;
}

/**
 * The `SkiffError` a client is answered with for `error` (see `createErrorHandler`), logging what the operator
 * must see. Shared by Hono's error handler and the Node data plane, so both answer and log alike.
 */
export function clientError(error: unknown, logger: Logger, scene: () => ErrorScene): SkiffError {
  if (isStorageUnavailable(error)) {
    logger.error({ err: error, ...scene() }, "metadata store unavailable");
    return new SkiffError(
      "METADATA_UNAVAILABLE",
      "the metadata store is unavailable (disk full or storage failure); deployed functions keep serving, try this again later",
    );
  }
  if (isSkiffError(error)) {
    if (!error.isUserError)
      logger.warn({ err: error, requestId: scene().requestId, code: error.code }, "platform error");
    return error;
  }
  if (error instanceof HTTPException) {
    const code = HTTP_EXCEPTION_CODES[error.status];
    if (code !== undefined) return new SkiffError(code, error.message || code);
  }
  logger.error({ err: error, ...scene() }, "unhandled error");
  return new SkiffError("INTERNAL_ERROR", "internal error");
}

/** `app.notFound`: no route matched. */
export const notFoundHandler: NotFoundHandler = (c) =>
  errorResponse(c, new SkiffError("NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`));
