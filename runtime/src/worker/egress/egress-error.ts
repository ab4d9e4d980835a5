// The error an outbound fetch fails with. Only its message crosses into the isolate (as a TypeError), so
// the message alone must say what happened and, where the tenant can act, what to do about it.

/**
 * Why a fetch failed. These are not platform HTTP errors (core's `SkiffError`): they surface inside the
 * handler, which decides what to answer.
 */
export type EgressErrorCode =
  | "INVALID_FETCH"
  | "EGRESS_REFUSED"
  | "SUBREQUEST_LIMIT"
  | "RESPONSE_TOO_LARGE"
  | "TOO_MANY_REDIRECTS"
  | "REDIRECT_REFUSED"
  | "TIMEOUT"
  | "ABORTED"
  | "NETWORK_ERROR";

export class EgressError extends Error {
  override readonly name = "EgressError";
  readonly code: EgressErrorCode;

  constructor(code: EgressErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

export function isEgressError(value: unknown): value is EgressError {
  return value instanceof EgressError;
}
