// The numbers behind a function's chart: invocations, errors and duration percentiles per slice of a time window.
import type { InvocationRecord } from "@skiff/core";

/** The time windows a function page offers, by the name used in `?window=`. */
export const CHART_WINDOWS = {
  "15m": 15 * 60_000,
  "1h": 60 * 60_000,
  "6h": 6 * 60 * 60_000,
  "24h": 24 * 60 * 60_000,
  "7d": 7 * 24 * 60 * 60_000,
} as const;

export type ChartWindow = keyof typeof CHART_WINDOWS;
export const DEFAULT_CHART_WINDOW: ChartWindow = "1h";
export const CHART_BUCKETS = 30;

/** What a chart needs of a record. */
export type ChartedRecord = Pick<InvocationRecord, "startedAt" | "outcome" | "wallMs" | "cold">;

export interface ChartBucket {
  /** Epoch ms; the bucket holds invocations started in [start, end). */
  start: number;
  end: number;
  invocations: number;
  /** Invocations whose outcome was not `ok` (exceptions, limits, crashes), as Lambda's Errors metric counts. */
  errors: number;
  /** Wall-clock duration percentiles; absent for a bucket without invocations. */
  p50Ms?: number;
  p99Ms?: number;
}

export interface ChartSummary {
  invocations: number;
  errors: number;
  coldStarts: number;
  p50Ms?: number;
  p99Ms?: number;
}

export interface ChartSeries {
  from: number;
  to: number;
  buckets: ChartBucket[];
  summary: ChartSummary;
}

/**
 * The nearest-rank percentile (the smallest value with at least `p` % of the values at or below it) of values
 * sorted ascending; undefined for none.
 */
export function percentile(sortedAscending: readonly number[], p: number): number | undefined {
  if (sortedAscending.length === 0) return undefined;
  const rank = Math.ceil((p / 100) * sortedAscending.length);
  return sortedAscending[Math.min(sortedAscending.length, Math.max(1, rank)) - 1];
}

function durations(records: readonly ChartedRecord[]): { p50Ms?: number; p99Ms?: number } {
  const sorted = records.map((record) => record.wallMs).sort((a, b) => a - b);
  const p50Ms = percentile(sorted, 50);
  const p99Ms = percentile(sorted, 99);
  return p50Ms === undefined || p99Ms === undefined ? {} : { p50Ms, p99Ms };
}

/**
 * Splits `[to - windowMs, to]` into `buckets` equal slices and counts the records started in each; records
 * outside the window are left out (one started exactly at `to` falls in the last slice).
 *
 * @example
 * const series = chartSeries(records, Date.now(), CHART_WINDOWS["1h"], CHART_BUCKETS);
 * series.buckets.at(-1)?.invocations; // invocations of the last two minutes
 */
export function chartSeries(
  records: readonly ChartedRecord[],
  to: number,
  windowMs: number,
  buckets: number,
): ChartSeries {
  const from = to - windowMs;
  const width = windowMs / buckets;
  const slices: ChartedRecord[][] = Array.from({ length: buckets }, () => []);
  const inWindow: ChartedRecord[] = [];
  for (const record of records) {
    if (record.startedAt < from || record.startedAt > to) continue;
    const index = Math.min(buckets - 1, Math.floor((record.startedAt - from) / width));
    slices[index]?.push(record);
    inWindow.push(record);
  }
  const countErrors = (list: readonly ChartedRecord[]) => list.filter((r) => r.outcome !== "ok").length;
  return {
    from,
    to,
    buckets: slices.map((slice, index) => ({
      start: Math.round(from + index * width),
      end: Math.round(from + (index + 1) * width),
      invocations: slice.length,
      errors: countErrors(slice),
      ...durations(slice),
    })),
    summary: {
      invocations: inWindow.length,
      errors: countErrors(inWindow),
      coldStarts: inWindow.filter((record) => record.cold).length,
      ...durations(inWindow),
    },
  };
}

/** The smallest 1, 2 or 5 × 10ⁿ at or above `value` (at least 1): a y-axis top that reads well. */
export function niceCeiling(value: number): number {
  if (!(value > 1)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}
