// How the dashboard writes numbers, sizes, durations and times for people.

/** `0.4 ms`, `12 ms`, `1.25 s`, `2.5 min`. */
export function formatDuration(ms: number): string {
  if (ms < 10) return `${Number(ms.toFixed(1))} ms`;
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Number((ms / 1_000).toFixed(2))} s`;
  if (ms < 3_600_000) return `${Number((ms / 60_000).toFixed(1))} min`;
  return `${Number((ms / 3_600_000).toFixed(1))} h`;
}

const UNITS = ["B", "KB", "MB", "GB", "TB"];

/** Binary multiples with the usual short names: `512 B`, `1.5 KB`, `128 MB`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : Number(value.toFixed(value < 10 ? 1 : 0))} ${UNITS[unit]}`;
}

/**
 * An epoch-ms time in UTC, to the second (`2024-05-01 12:00:03 UTC`): what the page shows before its script
 * rewrites times into the reader's own zone, and what it keeps when scripts are off.
 */
export function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** A share as a percentage with one decimal where it matters: `0 %`, `2.5 %`, `100 %`. */
export function formatPercent(part: number, whole: number): string {
  if (whole === 0) return "–";
  return `${Number(((part / whole) * 100).toFixed(1))} %`;
}
