// Failures of calls to a Skiff server: an error answer from the API, or no answer at all.

/** The server answered with a platform error (`{"error": {"code", "message"}}`) or another non-2xx status. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly status: number;
  /** The platform error code, or `HTTP_<status>` when the body was not a platform error. */
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** The server could not be reached (refused, reset, DNS, timeout). */
export class ServerUnreachableError extends Error {
  override readonly name = "ServerUnreachableError";
  readonly url: string;

  constructor(url: string, cause: unknown) {
    super(`cannot reach Skiff at ${url}: ${describeCause(cause)}`, { cause });
    this.url = url;
  }
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code && !cause.message.includes(code) ? `${cause.message} (${code})` : cause.message;
  }
  return String(cause);
}
