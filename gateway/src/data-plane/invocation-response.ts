// What the client gets for an invocation's result: the function's own response, or a platform error.
import {
  ERROR_STATUS,
  type HeaderList,
  type InvocationError,
  type InvocationResult,
  type Outcome,
  outcomeError,
  SkiffError,
} from "@skiff/core";
import { endToEndHeaders } from "./response-headers.js";
import { assertSendable } from "./sendable-head.js";

export const INVOCATION_ID_HEADER = "x-skiff-invocation-id";

/** The answer to the client and what the invocation record keeps of it. */
export interface InvocationReply {
  response: Response;
  outcome: Outcome;
  status: number;
  error: InvocationError | undefined;
}

/** Statuses whose responses have no body (the Fetch standard's "null body status"). */
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

export interface FunctionResponseOptions {
  /**
   * Mark a streamed body `Transfer-Encoding: chunked` (default true; false for HTTP/1.0 clients). The adapter
   * then writes it as it comes, and a body that fails midway cuts the connection instead of ending early as if
   * it were complete (which it would do while peeking at a body of unknown length).
   */
  chunked?: boolean;
}

/**
 * The function's own response as the client gets it: its end-to-end headers (`endToEndHeaders`) plus the
 * invocation id header. Throws `UnsendableResponse` if tenant code produced something HTTP cannot carry.
 */
export function functionResponse(
  head: { status: number; statusText: string; headers: HeaderList },
  body: Uint8Array | ReadableStream<Uint8Array> | null,
  invocationId: string,
  options: FunctionResponseOptions = {},
): Response {
  assertSendable(head);
  const headers = new Headers();
  for (const [name, value] of endToEndHeaders(head.headers)) headers.append(name, value);
  headers.set(INVOCATION_ID_HEADER, invocationId);
  const nullBody = NULL_BODY_STATUSES.has(head.status);
  if (!nullBody && body instanceof ReadableStream && options.chunked !== false) {
    headers.set("transfer-encoding", "chunked");
  }
  return new Response(nullBody ? null : body, {
    status: head.status,
    statusText: head.statusText,
    headers,
  });
}

/**
 * The response for a finished `result` whose response (if any) was not streamed. Outcome ok → the function's
 * response, or its JSON value for a direct invoke; any other outcome → the platform error of DESIGN §5, never
 * the tenant's stack trace.
 */
export function invocationReply(result: InvocationResult, invocationId: string): InvocationReply {
  if (result.outcome !== "ok") return errorReply(result.outcome, invocationId, result.error);
  if (result.response === undefined) {
    if (result.value === undefined) {
      return errorReply("invalidResponse", invocationId, { name: "InvalidResponse", message: "no response" });
    }
    const response = new Response(JSON.stringify(result.value), {
      status: 200,
      headers: { "content-type": "application/json", [INVOCATION_ID_HEADER]: invocationId },
    });
    return { response, outcome: "ok", status: 200, error: undefined };
  }
  try {
    const response = functionResponse(result.response, result.response.body, invocationId);
    return { response, outcome: "ok", status: result.response.status, error: undefined };
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    return errorReply("invalidResponse", invocationId, { name: "InvalidResponse", message });
  }
}

export function errorReply(
  outcome: Exclude<Outcome, "ok">,
  invocationId: string,
  error: InvocationError | undefined,
): InvocationReply {
  const { code, message } = outcomeError(outcome);
  const status = ERROR_STATUS[code];
  const body = JSON.stringify(new SkiffError(code, message, { invocationId }).toBody());
  const response = new Response(body, {
    status,
    headers: { "content-type": "application/json; charset=UTF-8", [INVOCATION_ID_HEADER]: invocationId },
  });
  return { response, outcome, status, error };
}
