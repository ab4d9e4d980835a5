// Validates what the prelude's dispatcher returned. The prelude is ours, but it runs beside tenant code that
// may have tampered with built-ins, so nothing is trusted: every field is checked and copied into a fresh object.
import type { HeaderList, InvocationError, LogLine, Outcome, QueueDecisions } from "@skiff/core";
import {
  LOG_BYTES_PER_INVOCATION,
  lineCost,
  MAX_LINE_CHARS,
  TRUNCATED_SUFFIX,
  truncationMessage,
} from "../prelude/log-limits.js";

export interface ResponseHead {
  status: number;
  statusText: string;
  headers: HeaderList;
}

export interface SandboxResult {
  outcome: Extract<Outcome, "ok" | "exception" | "invalidResponse">;
  /** Status and headers of the HTTP response (its body went through host calls, unless it is in `body`). */
  response?: ResponseHead;
  /** The whole body of `response` when it came with the result instead of through host calls. */
  body?: Uint8Array;
  value?: unknown;
  noRetry?: boolean;
  queue?: QueueDecisions;
  error?: InvocationError;
  logs: LogLine[];
  droppedLogLines: number;
}

const LEVELS = new Set(["debug", "info", "log", "warn", "error"]);
const MAX_VALUE_BYTES = 6 * 1024 * 1024;

export function toSandboxResult(raw: unknown): SandboxResult {
  const value = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const result: SandboxResult = {
    outcome: "exception",
    ...toLogs(value.logs, toCount(value.droppedLogLines)),
  };
  const outcome = value.outcome;
  if (outcome !== "ok" && outcome !== "exception" && outcome !== "invalidResponse") {
    result.error = { name: "Error", message: "unexpected result from the isolate" };
    return result;
  }
  result.outcome = outcome;
  if (value.response !== undefined) {
    const head = toResponseHead(value.response);
    if (head === undefined) {
      return {
        ...result,
        outcome: "invalidResponse",
        error: { name: "TypeError", message: "the response could not be read" },
      };
    }
    result.response = head;
    if (value.body !== undefined) {
      if (!(value.body instanceof Uint8Array) || outcome !== "ok") {
        return {
          ...result,
          outcome: "invalidResponse",
          error: { name: "TypeError", message: "the response body could not be read" },
        };
      }
      result.body = value.body;
    }
  }
  if (value.value !== undefined) {
    const json = safeJson(value.value);
    if (json === undefined) {
      return {
        ...result,
        outcome: "exception",
        error: { name: "TypeError", message: "the return value is not JSON-safe or too large" },
      };
    }
    result.value = JSON.parse(json);
  }
  if (value.noRetry === true) result.noRetry = true;
  if (value.queue !== undefined) result.queue = toQueueDecisions(value.queue);
  if (outcome !== "ok") result.error = toError(value.error);
  return result;
}

/** Re-serialises a copied value: JSON.parse builds plain objects, so `__proto__` keys stay own data properties. */
function safeJson(value: unknown): string | undefined {
  try {
    const json = JSON.stringify(value);
    return json !== undefined && json.length <= MAX_VALUE_BYTES ? json : undefined;
  } catch {
    return undefined;
  }
}

export function toResponseHead(raw: unknown): ResponseHead | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  if (!Number.isInteger(r.status) || (r.status as number) < 200 || (r.status as number) > 599)
    return undefined;
  if (!Array.isArray(r.headers)) return undefined;
  const headers: HeaderList = [];
  for (const pair of r.headers) {
    if (!Array.isArray(pair) || typeof pair[0] !== "string" || typeof pair[1] !== "string") return undefined;
    headers.push([pair[0], pair[1]]);
  }
  return {
    status: r.status as number,
    statusText: typeof r.statusText === "string" ? r.statusText : "",
    headers,
  };
}

function toQueueDecisions(raw: unknown): QueueDecisions {
  const retry: QueueDecisions["retry"] = [];
  const list = (raw as { retry?: unknown } | null)?.retry;
  if (!Array.isArray(list)) return { retry };
  for (const item of list) {
    if (typeof item !== "object" || item === null || typeof (item as { id?: unknown }).id !== "string")
      continue;
    const { id, delaySeconds } = item as { id: string; delaySeconds?: unknown };
    retry.push(
      typeof delaySeconds === "number" && Number.isFinite(delaySeconds) ? { id, delaySeconds } : { id },
    );
  }
  return { retry };
}

export function toError(raw: unknown): InvocationError {
  const e = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const error: InvocationError = {
    name: typeof e.name === "string" ? e.name.slice(0, 200) : "Error",
    message: typeof e.message === "string" ? e.message.slice(0, 8192) : "unknown error",
  };
  if (typeof e.stack === "string") error.stack = e.stack.slice(0, 16_384);
  return error;
}

/** Room for the prelude's truncation marker, which comes on top of the bound. */
const MARKER_BYTES = lineCost(truncationMessage(Number.MAX_SAFE_INTEGER));

/**
 * Valid log lines within the per-invocation bound. The prelude keeps to it already; the host checks again
 * because tenant code can tamper with the prelude's buffer in its own isolate. Lines past the bound are counted
 * into `droppedLogLines`, with a marker line saying so.
 */
export function toLogs(raw: unknown, dropped = 0): { logs: LogLine[]; droppedLogLines: number } {
  const logs: LogLine[] = [];
  let bytes = 0;
  let extra = 0;
  for (const item of Array.isArray(raw) ? raw : []) {
    if (typeof item !== "object" || item === null) continue;
    const l = item as Record<string, unknown>;
    if (typeof l.message !== "string" || typeof l.level !== "string" || !LEVELS.has(l.level)) continue;
    const message =
      l.message.length > MAX_LINE_CHARS + TRUNCATED_SUFFIX.length
        ? `${l.message.slice(0, MAX_LINE_CHARS)}${TRUNCATED_SUFFIX}`
        : l.message;
    const cost = lineCost(message);
    if (extra > 0 || bytes + cost > LOG_BYTES_PER_INVOCATION + MARKER_BYTES) {
      extra++;
      continue;
    }
    bytes += cost;
    logs.push({ level: l.level as LogLine["level"], message, ts: toCount(l.ts) });
  }
  if (extra > 0) logs.push({ level: "warn", message: truncationMessage(dropped + extra), ts: Date.now() });
  return { logs, droppedLogLines: dropped + extra };
}

function toCount(raw: unknown): number {
  return typeof raw === "number" && Number.isFinite(raw) && raw >= 0 ? raw : 0;
}
