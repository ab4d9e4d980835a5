// console.* captured per invocation into a bounded buffer that is returned with the result.
import { inspect } from "./inspect.js";

export type Level = "debug" | "info" | "log" | "warn" | "error";
export interface CapturedLine {
  level: Level;
  message: string;
  ts: number;
}

const MAX_LINES = 256;
const MAX_BYTES = 64 * 1024;
const MAX_LINE_CHARS = 8 * 1024;

let lines: CapturedLine[] = [];
let bytes = 0;
let dropped = 0;

function capture(level: Level, args: unknown[]): void {
  let message = args.map((a) => (typeof a === "string" ? a : inspect(a))).join(" ");
  if (message.length > MAX_LINE_CHARS) message = `${message.slice(0, MAX_LINE_CHARS)}… [truncated]`;
  if (lines.length >= MAX_LINES || bytes + message.length > MAX_BYTES) {
    dropped++;
    return;
  }
  bytes += message.length;
  lines.push({ level, message, ts: Date.now() });
}

/** Takes the lines captured since the last call and resets the buffer. */
export function drainLogs(): { logs: CapturedLine[]; dropped: number } {
  const taken = { logs: lines, dropped };
  lines = [];
  bytes = 0;
  dropped = 0;
  return taken;
}

export const console = Object.freeze({
  log: (...args: unknown[]) => capture("log", args),
  info: (...args: unknown[]) => capture("info", args),
  debug: (...args: unknown[]) => capture("debug", args),
  warn: (...args: unknown[]) => capture("warn", args),
  error: (...args: unknown[]) => capture("error", args),
  trace: (...args: unknown[]) => capture("debug", args),
});
