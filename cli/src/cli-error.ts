// A user-facing CLI failure: what went wrong and how to fix it, printed on stderr with exit code 1.

/**
 * @example
 * throw new CliError(`cannot read ${file}`, "check the path, relative to the current directory");
 */
export class CliError extends Error {
  override readonly name = "CliError";
  /** One line telling the person what to do next. */
  readonly hint: string | undefined;

  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.hint = hint;
  }
}

export function isCliError(value: unknown): value is CliError {
  return value instanceof CliError;
}
