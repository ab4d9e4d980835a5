// What the HTTP server answers a client whose request Node refused before any route saw it: the DESIGN §5 JSON
// error, written straight to the socket (there is no request or response object at that point).
import { STATUS_CODES } from "node:http";
import { type ErrorCode, SkiffError } from "@skiff/core";

/** The limits the messages name. */
export interface ClientErrorLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxHeaderBytes: number;
}

/**
 * The raw HTTP/1.1 response for a `clientError`, ending the connection; undefined when nothing should be written
 * (the client is gone, or the error is not about the request's syntax or timing).
 *
 * | Node's error | answer |
 * |---|---|
 * | `HPE_HEADER_OVERFLOW` (request line + headers over `maxHeaderBytes`) | 431 `HEADERS_TOO_LARGE` |
 * | `ERR_HTTP_REQUEST_TIMEOUT` (headers or whole request too slow) | 408 `REQUEST_TIMEOUT` |
 * | `HPE_CHUNK_EXTENSIONS_OVERFLOW` | 413 `PAYLOAD_TOO_LARGE` |
 * | any other `HPE_*` parse error (CL+TE, duplicate Content-Length, obs-fold, bare CR/LF, NUL…) | 400 `INVALID_REQUEST` |
 */
export function clientErrorReply(
  error: { code?: string; reason?: unknown; message: string },
  limits: ClientErrorLimits,
): string | undefined {
  const code = error.code ?? "";
  let refusal: SkiffError;
  if (code === "HPE_HEADER_OVERFLOW") {
    refusal = new SkiffError(
      "HEADERS_TOO_LARGE",
      `the request line and headers are larger than ${limits.maxHeaderBytes} bytes`,
    );
  } else if (code === "ERR_HTTP_REQUEST_TIMEOUT") {
    refusal = new SkiffError(
      "REQUEST_TIMEOUT",
      `the request was not received in time: headers are due within ${limits.headersTimeoutMs} ms, the whole request within ${limits.requestTimeoutMs} ms`,
    );
  } else if (code === "HPE_CHUNK_EXTENSIONS_OVERFLOW") {
    refusal = new SkiffError("PAYLOAD_TOO_LARGE", "the request's chunk extensions are too large");
  } else if (code.startsWith("HPE_")) {
    const reason = typeof error.reason === "string" ? error.reason : error.message;
    refusal = new SkiffError("INVALID_REQUEST", `the request is not valid HTTP/1.1: ${reason}`);
  } else {
    return undefined;
  }
  return rawResponse(refusal.status, refusal.code, JSON.stringify(refusal.toBody()));
}

function rawResponse(status: number, code: ErrorCode, body: string): string {
  const reason = STATUS_CODES[status] ?? code;
  return (
    `HTTP/1.1 ${status} ${reason}\r\n` +
    "Content-Type: application/json; charset=UTF-8\r\n" +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    "Connection: close\r\n" +
    `\r\n${body}`
  );
}
