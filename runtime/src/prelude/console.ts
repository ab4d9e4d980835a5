// console.* captured per invocation into a buffer bounded by bytes (log-limits.ts). Past the bound, lines are
// only counted, and one visible marker line at the end says how many were dropped.
import { inspect } from "./inspect.js";
import { append, DateNow, list, ObjectFreeze, StringPrototypeSlice } from "./intrinsics.js";
import {
  LOG_BYTES_PER_INVOCATION,
  lineCost,
  MAX_LINE_CHARS,
  TRUNCATED_SUFFIX,
  truncationMessage,
} from "./log-limits.js";

export type Level = "debug" | "info" | "log" | "warn" | "error";
export interface CapturedLine {
  level: Level;
  message: string;
  ts: number;
}

// Without a prototype (`list`): `append` stores into it directly.
let lines: CapturedLine[] = list();
let bytes = 0;
let dropped = 0;

function format(args: unknown[]): string {
  let message = "";
  for (let i = 0; i < args.length && message.length <= MAX_LINE_CHARS; i++) {
    const arg = args[i];
    message += (i === 0 ? "" : " ") + (typeof arg === "string" ? arg : inspect(arg));
  }
  return message.length > MAX_LINE_CHARS
    ? StringPrototypeSlice(message, 0, MAX_LINE_CHARS) + TRUNCATED_SUFFIX
    : message;
}

function capture(level: Level, args: unknown[]): void {
  // Once a line did not fit, later ones are only counted: the kept lines stay a prefix of the output, and a
  // flood of logging costs no formatting.
  if (dropped > 0) {
    dropped++;
    return;
  }
  const message = format(args);
  const cost = lineCost(message);
  if (bytes + cost > LOG_BYTES_PER_INVOCATION) {
    dropped++;
    return;
  }
  bytes += cost;
  append(lines, { level, message, ts: DateNow() });
}

/** Takes the lines captured since the last call (with the truncation marker, if any) and resets the buffer. */
export function drainLogs(): { logs: CapturedLine[]; dropped: number } {
  const taken = { logs: lines, dropped };
  if (dropped > 0) append(lines, { level: "warn", message: truncationMessage(dropped), ts: DateNow() });
  // Always a new list: the one taken is handed out.
  lines = list();
  bytes = 0;
  dropped = 0;
  return taken;
}

/** Forgets lines left over from an earlier invocation (detached work that logged after it ended). */
export function discardLogs(): void {
  // Nearly always nothing was logged since the last drain: the empty list, never handed out, stays.
  if (lines.length === 0 && dropped === 0) return;
  lines = list();
  bytes = 0;
  dropped = 0;
}

export const console = ObjectFreeze({
  log: (...args: unknown[]) => capture("log", args),
  info: (...args: unknown[]) => capture("info", args),
  debug: (...args: unknown[]) => capture("debug", args),
  warn: (...args: unknown[]) => capture("warn", args),
  error: (...args: unknown[]) => capture("error", args),
  trace: (...args: unknown[]) => capture("debug", args),
});
