// Log levels in order of severity, so "warn and worse" means the same in storage, the API and the CLI.
import type { LogLevel, Outcome } from "./invocation.js";

/** Every `console.*` level, least severe first (`log` and `info` rank the same). */
export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "log", "warn", "error"];

const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, log: 20, warn: 30, error: 40 };

/** A level's rank: higher is more severe. `info` and `log` are equal, as console.info and console.log are. */
export function logLevelSeverity(level: LogLevel): number {
  return SEVERITY[level];
}

/** Every outcome an invocation record may carry. */
export const OUTCOMES: readonly Outcome[] = [
  "ok",
  "exception",
  "exceededCpu",
  "exceededMemory",
  "timeout",
  "crashed",
  "invalidResponse",
  "canceled",
];
