// A pino logger that keeps its lines in memory, so tests can assert what was logged.
import { type Logger, pino } from "pino";

export interface CapturedLogger {
  logger: Logger;
  // biome-ignore lint/suspicious/noExplicitAny: log lines are free-form JSON
  lines: any[];
}

export function captureLogger(): CapturedLogger {
  const lines: unknown[] = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}
