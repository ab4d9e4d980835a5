// What the client gets for an invocation's result: the function's own response, or a platform error.
import {
  ERROR_STATUS,
  type InvocationError,
  type InvocationResult,
  type Outcome,
  outcomeError,
  SkiffError,
} from "@skiff/core";

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

/**
 * Framing headers describe the connection to the runtime, not the bytes we send: Node frames the body itself, and a
 * wrong Content-Length from tenant code would corrupt the connection.
 */
const FRAMING_HEADERS = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "upgrade",
]);

/**
 * The response for `result`. Outcome ok → the function's response as is (minus framing headers) plus the
 * invocation id header; any other outcome → the platform error of DESIGN §5, never the tenant's stack trace.
 */
export function invocationReply(result: InvocationResult, invocationId: string): InvocationReply {
  if (result.outcome === "ok") {
    if (result.response === undefined) {
      return errorReply("invalidResponse", invocationId, { name: "InvalidResponse", message: "no response" });
    }
    try {
      const { status, statusText, headers: pairs, body } = result.response;
      const headers = new Headers();
      for (const [name, value] of pairs) {
        if (!FRAMING_HEADERS.has(name.toLowerCase())) headers.append(name, value);
      }
      headers.set(INVOCATION_ID_HEADER, invocationId);
      const response = new Response(NULL_BODY_STATUSES.has(status) ? null : body, {
        status,
        statusText,
        headers,
      });
      return { response, outcome: "ok", status, error: undefined };
    } catch (cause) {
      // Invalid status, status text or header from tenant code: the Response constructor refuses it.
      const message = cause instanceof Error ? cause.message : String(cause);
      return errorReply("invalidResponse", invocationId, { name: "InvalidResponse", message });
    }
  }
  return errorReply(result.outcome, invocationId, result.error);
}

function errorReply(
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
