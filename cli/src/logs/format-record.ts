// How `skiff logs` prints an invocation: a terminal gets its lines and an outcome line, a pipe gets NDJSON.
import type { InvocationRecord, LogLevel } from "@skiff/core";

export interface PrettyOptions {
  /** ANSI colours (a terminal without NO_COLOR). */
  color: boolean;
}

const RESET = "\u001b[0m";
const DIM = "\u001b[2m";
const RED = "\u001b[31m";
const YELLOW = "\u001b[33m";
const GREEN = "\u001b[32m";

const LEVEL_COLOR: Record<LogLevel, string> = { debug: DIM, info: "", log: "", warn: YELLOW, error: RED };

/** One JSON line per record: what a pipe (or `--json`) gets, for `jq` and friends. */
export function ndjsonLine(record: InvocationRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/**
 * The record for a person: each log line with its time and level, then one line with the outcome and
 * timings, the error and its stack when it failed, and how many lines the cap dropped.
 *
 * @example
 * 2026-11-27T16:10:58.123Z LOG   hello
 * 2026-11-27T16:10:58.124Z ── ok 200 · http · v3 · cold · 2.25 ms · cpu 1.1 ms · heap 4.0 MB · 5b0c…
 */
export function prettyRecord(record: InvocationRecord, options: PrettyOptions): string {
  const paint = (color: string, text: string) =>
    options.color && color !== "" ? `${color}${text}${RESET}` : text;
  let out = "";
  for (const line of record.logs) {
    const level = paint(LEVEL_COLOR[line.level] ?? "", line.level.toUpperCase().padEnd(5));
    out += `${paint(DIM, time(line.ts))} ${level} ${indentContinuation(line.message)}\n`;
  }
  const facts = [
    paint(record.outcome === "ok" ? GREEN : RED, `${record.outcome} ${record.status}`),
    record.trigger,
    `v${record.version}`,
    record.cold ? "cold" : "warm",
    `${record.wallMs} ms`,
    `cpu ${record.cpuMs} ms`,
    ...(record.peakHeapBytes === undefined ? [] : [`heap ${megabytes(record.peakHeapBytes)}`]),
    record.id,
  ];
  out += `${paint(DIM, time(record.startedAt + record.wallMs))} ── ${facts.join(" · ")}\n`;
  if (record.error !== undefined) {
    const error = record.error.stack ?? `${record.error.name}: ${record.error.message}`;
    out += `${paint(RED, indentAll(error))}\n`;
  }
  if (record.droppedLogLines > 0) {
    out += `${paint(YELLOW, `   ${record.droppedLogLines} more log lines were dropped (over the per-invocation cap)`)}\n`;
  }
  return out;
}

function time(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? "-".repeat(24) : date.toISOString();
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Continuation lines of a multi-line message line up under its first line. */
function indentContinuation(message: string): string {
  return message.replace(/\r?\n/g, `\n${" ".repeat(31)}`);
}

function indentAll(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => `   ${line}`)
    .join("\n");
}
