// The platform's pino lines made readable in `skiff dev` (pino-pretty's job, without the dependency): time, level,
// message, then the other fields as JSON.
import { clock } from "./invocation-log.js";

const LEVELS: Record<number, string> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO",
  40: "WARN",
  50: "ERROR",
  60: "FATAL",
};
/** Fields every pino line has, shown another way or not at all. */
const OMITTED = new Set(["level", "time", "msg", "pid", "hostname", "v"]);

/**
 * A pino destination: `pino({ level }, prettyLogStream((text) => process.stderr.write(text)))`.
 *
 * @example
 * formatPlatformLine('{"level":40,"time":0,"msg":"runtime exit","code":1}'); // "00:00:00 WARN  runtime exit {"code":1}\n"
 */
export function prettyLogStream(write: (text: string) => void): { write(line: string): void } {
  return { write: (line) => write(formatPlatformLine(line)) };
}

export function formatPlatformLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith("\n") ? line : `${line}\n`;
  }
  const level = typeof entry.level === "number" ? (LEVELS[entry.level] ?? String(entry.level)) : "INFO";
  const time = typeof entry.time === "number" ? clock(entry.time) : "--:--:--";
  const rest = Object.fromEntries(Object.entries(entry).filter(([key]) => !OMITTED.has(key)));
  const err = rest.err as { stack?: string } | undefined;
  delete rest.err;
  const fields = Object.keys(rest).length === 0 ? "" : ` ${JSON.stringify(rest)}`;
  const stack = typeof err?.stack === "string" ? `\n  ${err.stack.split("\n").join("\n  ")}` : "";
  return `${time} ${level.padEnd(5)} ${String(entry.msg ?? "")}${fields}${stack}\n`;
}
