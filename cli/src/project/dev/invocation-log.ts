// How `skiff dev` prints an invocation as it finishes: one line for the outcome, then its console lines.
import type { InvocationRecord } from "@skiff/core";

/**
 * @example
 * formatInvocation(record);
 * // "12:00:01 hello v3 http ok 200 4ms (cpu 1ms, cold)\n  log   GET /\n"
 */
export function formatInvocation(record: InvocationRecord): string {
  const status = record.trigger === "http" || record.status !== 0 ? ` ${record.status}` : "";
  const cold = record.cold ? ", cold" : "";
  const lines = [
    `${clock(record.startedAt)} ${record.functionName} v${record.version} ${record.trigger} ${record.outcome}${status} ` +
      `${Math.round(record.wallMs)}ms (cpu ${Math.round(record.cpuMs)}ms${cold})`,
  ];
  for (const log of record.logs) {
    const [first = "", ...rest] = log.message.split("\n");
    lines.push(`  ${log.level.padEnd(5)} ${first}`, ...rest.map((line) => `        ${line}`));
  }
  if (record.droppedLogLines > 0) lines.push(`  (${record.droppedLogLines} more log lines dropped)`);
  if (record.error !== undefined) {
    const stack = record.error.stack ?? `${record.error.name}: ${record.error.message}`;
    lines.push(...stack.split("\n").map((line) => `  ! ${line}`));
  }
  return `${lines.join("\n")}\n`;
}

/** Local wall-clock time, HH:MM:SS. */
export function clock(epochMs: number): string {
  const at = new Date(epochMs);
  return [at.getHours(), at.getMinutes(), at.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}
