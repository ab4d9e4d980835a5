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

/**
 * A response as plain data: what the Node data plane writes straight to the socket (no Fetch `Response` or
 * `Headers` objects), and what `toFetchResponse` turns into a `Response` for routes served through Hono.
 */
export interface PlainResponse {
  status: number;
  statusText: string;
  /** In order, names as given; repeated names stay apart (`Headers` would join them). */
  headers: HeaderList;
  body: Uint8Array | string | ReadableStream<Uint8Array> | null;
}

/** The answer to the client and what the invocation record keeps of it. */
export interface InvocationReply {
  response: Response;
  outcome: Outcome;
  status: number;
  error: InvocationError | undefined;
}

/** `InvocationReply` with the answer as plain data. */
export interface PlainInvocationReply extends Omit<InvocationReply, "response"> {
  plain: PlainResponse;
}

/** The Fetch `Response` for a plain one. */
export function toFetchResponse(plain: PlainResponse): Response {
  const headers = new Headers();
  for (const [name, value] of plain.headers) headers.append(name, value);
  return new Response(plain.body, { status: plain.status, statusText: plain.statusText, headers });
}

function withResponse({ plain, ...reply }: PlainInvocationReply): InvocationReply {
  return { ...reply, response: toFetchResponse(plain) };
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
  return toFetchResponse(plainFunctionResponse(head, body, invocationId, options));
}

/** `functionResponse` as plain data. */
export function plainFunctionResponse(
  head: { status: number; statusText: string; headers: HeaderList },
  body: Uint8Array | ReadableStream<Uint8Array> | null,
  invocationId: string,
  options: FunctionResponseOptions = {},
): PlainResponse {
  assertSendable(head);
  // endToEndHeaders drops any x-skiff-* and transfer-encoding of the function's, so appending ours sets them.
  const headers = endToEndHeaders(head.headers);
  headers.push([INVOCATION_ID_HEADER, invocationId]);
  const nullBody = NULL_BODY_STATUSES.has(head.status);
  if (!nullBody && body instanceof ReadableStream && options.chunked !== false) {
    headers.push(["transfer-encoding", "chunked"]);
  }
  return { status: head.status, statusText: head.statusText, headers, body: nullBody ? null : body };
}

/**
 * The response for a finished `result` whose response (if any) was not streamed. Outcome ok → the function's
 * response, or its JSON value for a direct invoke; any other outcome → the platform error of DESIGN §5, never
 * the tenant's stack trace.
 */
export function invocationReply(result: InvocationResult, invocationId: string): InvocationReply {
  return withResponse(plainInvocationReply(result, invocationId));
}

/** `invocationReply` with the answer as plain data. */
export function plainInvocationReply(result: InvocationResult, invocationId: string): PlainInvocationReply {
  if (result.outcome !== "ok") return plainErrorReply(result.outcome, invocationId, result.error);
  if (result.response === undefined) {
    if (result.value === undefined) {
      return plainErrorReply("invalidResponse", invocationId, {
        name: "InvalidResponse",
        message: "no response",
      });
    }
    const plain: PlainResponse = {
      status: 200,
      statusText: "",
      headers: [
        ["content-type", "application/json"],
        [INVOCATION_ID_HEADER, invocationId],
      ],
      body: JSON.stringify(result.value),
    };
    return { plain, outcome: "ok", status: 200, error: undefined };
  }
  try {
    const plain = plainFunctionResponse(result.response, result.response.body, invocationId);
    return { plain, outcome: "ok", status: result.response.status, error: undefined };
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    return plainErrorReply("invalidResponse", invocationId, { name: "InvalidResponse", message });
  }
}

export function errorReply(
  outcome: Exclude<Outcome, "ok">,
  invocationId: string,
  error: InvocationError | undefined,
): InvocationReply {
  return withResponse(plainErrorReply(outcome, invocationId, error));
}

/** `errorReply` with the answer as plain data. */
export function plainErrorReply(
  outcome: Exclude<Outcome, "ok">,
  invocationId: string,
  error: InvocationError | undefined,
): PlainInvocationReply {
  const { code, message } = outcomeError(outcome);
  const status = ERROR_STATUS[code];
  const plain: PlainResponse = {
    status,
    statusText: "",
    headers: [
      ["content-type", "application/json; charset=UTF-8"],
      [INVOCATION_ID_HEADER, invocationId],
    ],
    body: JSON.stringify(new SkiffError(code, message, { invocationId }).toBody()),
  };
  return { plain, outcome, status, error };
}
