// An invocation record as the server sent it, checked before it is printed: the CLI trusts no answer's shape.
import type { InvocationRecord, LogLine } from "@skiff/core";
import { ApiError } from "../api-error.js";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function logLine(value: unknown): LogLine {
  if (!isRecord(value) || typeof value.message !== "string" || typeof value.level !== "string") {
    throw new ApiError(200, "INVALID_ANSWER", "an invocation's log line has no level or message");
  }
  return {
    level: value.level as LogLine["level"],
    message: value.message,
    ts: typeof value.ts === "number" ? value.ts : 0,
  };
}

/** The record in `value`, or INVALID_ANSWER if it has no id, timings or log lines. */
export function readInvocationRecord(value: unknown): InvocationRecord {
  if (
    !isRecord(value) ||
    typeof value.id !== "string" ||
    typeof value.startedAt !== "number" ||
    typeof value.outcome !== "string" ||
    !Array.isArray(value.logs)
  ) {
    throw new ApiError(200, "INVALID_ANSWER", "the server sent something other than an invocation record");
  }
  return { ...(value as unknown as InvocationRecord), logs: value.logs.map(logLine) };
}
