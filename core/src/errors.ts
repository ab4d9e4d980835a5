// The platform's error codes (DESIGN §5) and the one error class that carries them.

/** Every platform error code with the HTTP status it is answered with. */
export const ERROR_STATUS = {
  INVALID_REQUEST: 400,
  INVALID_JSON: 400,
  INVALID_NAME: 400,
  INVALID_CONFIG: 400,
  INVALID_CODE: 400,
  INVALID_VERSION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  /** A per-tenant quota set by the operator (functions, stored bytes) would be passed. */
  QUOTA_EXCEEDED: 403,
  NOT_FOUND: 404,
  TENANT_NOT_FOUND: 404,
  FUNCTION_NOT_FOUND: 404,
  VERSION_NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  /** The client did not send its request line and headers (or the whole request) in time: slowloris. */
  REQUEST_TIMEOUT: 408,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  URI_TOO_LONG: 414,
  CODE_TOO_LARGE: 413,
  TOO_MANY_REQUESTS: 429,
  /** The tenant's request rate or async-event rate is over its quota; answered with `Retry-After`. */
  RATE_LIMITED: 429,
  HEADERS_TOO_LARGE: 431,
  FUNCTION_ERROR: 500,
  INTERNAL_ERROR: 500,
  INVALID_RESPONSE: 502,
  MEMORY_LIMIT_EXCEEDED: 503,
  CPU_LIMIT_EXCEEDED: 503,
  RUNTIME_CRASHED: 503,
  FUNCTION_QUARANTINED: 503,
  SHUTTING_DOWN: 503,
  /** The control plane's database failed (disk full, I/O error); deployed functions keep serving. */
  METADATA_UNAVAILABLE: 503,
  TIMEOUT: 504,
  /** A chain of invocations (storage notifications, service bindings) went deeper than 16. */
  LOOP_DETECTED: 508,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The JSON body of every platform error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; invocationId?: string; details?: unknown };
}

/**
 * An error raised by the platform (not by tenant code), rendered as DESIGN §5 JSON in one place.
 *
 * @example
 * throw new SkiffError("FUNCTION_NOT_FOUND", `function "${name}" does not exist`);
 */
export class SkiffError extends Error {
  override readonly name = "SkiffError";
  readonly code: ErrorCode;
  readonly status: number;
  readonly invocationId: string | undefined;
  readonly details: unknown;

  constructor(
    code: ErrorCode,
    message: string,
    options: { invocationId?: string; details?: unknown; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.invocationId = options.invocationId;
    this.details = options.details;
  }

  /** True for errors caused by the caller's input (4xx), false for platform or tenant-code failures. */
  get isUserError(): boolean {
    return this.status < 500;
  }

  toBody(): ErrorBody {
    const error: ErrorBody["error"] = { code: this.code, message: this.message };
    if (this.invocationId !== undefined) error.invocationId = this.invocationId;
    if (this.details !== undefined) error.details = this.details;
    return { error };
  }
}

export function isSkiffError(value: unknown): value is SkiffError {
  return value instanceof SkiffError;
}
