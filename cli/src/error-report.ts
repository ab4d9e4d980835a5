// What the CLI prints for a failure: the problem in one line, then what to do about it.
import { ApiError, ServerUnreachableError } from "./api-error.js";
import { isCliError } from "./cli-error.js";

export interface ErrorReport {
  message: string;
  hint: string | undefined;
}

const API_HINTS: Record<string, string> = {
  UNAUTHORIZED:
    "set SKIFF_TOKEN to an API key of the tenant; `skiff serve` saves the default tenant's key in .skiff/default.key",
  FORBIDDEN: "this key belongs to another tenant: pass --tenant <its tenant>, or use a key of this tenant",
  TENANT_NOT_FOUND: "check --tenant; the operator creates tenants with POST /api/v1/tenants",
  FUNCTION_NOT_FOUND: "list functions with `skiff ls`, or deploy it with `skiff deploy <file> --name <name>`",
  INVALID_NAME: "names are 1-63 characters of a-z, 0-9 and '-', not starting or ending with '-'",
  INVALID_CONFIG:
    "check --memory, --cpu-ms, --timeout, --concurrency and --var (or the config file's fields) against the limits in DESIGN.md §5",
  INVALID_CODE:
    "fix the module at the line shown; it must `export default { async fetch(request, env) { … } }`",
  CODE_TOO_LARGE: "a version's code is at most 10 MB; bundle and minify it",
  PAYLOAD_TOO_LARGE: "the request body is over the server's limit",
  INVALID_JSON: "the body must be JSON; check the quoting of the value you passed",
  VERSION_NOT_FOUND: "list the function's versions with the admin API (GET …/functions/<name>/versions)",
  QUOTA_EXCEEDED:
    "the tenant is at one of its quotas: see `skiff quota get`; the operator raises them with `skiff quota set`",
  RATE_LIMITED:
    "the tenant is over its request rate; wait a moment and retry, or ask the operator to raise it",
  TOO_MANY_REQUESTS: "the function is at its concurrency; retry, or deploy it with a higher --concurrency",
  FUNCTION_QUARANTINED:
    "its version crashed the runtime repeatedly; fix the code and deploy a new version (or roll back) to lift it",
  TIMEOUT: "the handler ran past its timeout; raise --timeout, or make it finish sooner",
  CPU_LIMIT_EXCEEDED: "the handler used up its CPU time; raise --cpu-ms, or make it do less per invocation",
  MEMORY_LIMIT_EXCEEDED: "the handler went over its memory limit; raise --memory, or hold less in memory",
  RUNTIME_CRASHED: "the runtime worker running it died; its logs are in `skiff logs <name>`; retry",
  SHUTTING_DOWN: "the server is stopping; retry once it is back",
  INTERNAL_ERROR: "the server failed; its log (stderr of `skiff serve`) has the details",
};

export function reportError(error: unknown): ErrorReport {
  if (isCliError(error)) return { message: error.message, hint: error.hint };
  if (error instanceof ServerUnreachableError) {
    return {
      message: error.message,
      hint: `is \`skiff serve\` running there? Start it, or set SKIFF_URL (or --url) to its address`,
    };
  }
  if (error instanceof ApiError) {
    return { message: `${error.message} (${error.code}, HTTP ${error.status})`, hint: API_HINTS[error.code] };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    message: `unexpected failure: ${message}`,
    hint: "this is a bug in skiff; run again with SKIFF_DEBUG=1 for the stack trace and report it",
  };
}

/** The lines written to stderr. */
export function formatErrorReport(report: ErrorReport): string {
  return `error: ${report.message}\n${report.hint === undefined ? "" : `hint: ${report.hint}\n`}`;
}
