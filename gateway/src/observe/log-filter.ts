// Which invocation records a logs reader asked for, the same test for stored records and live ones.
import { type InvocationRecord, type LogLevel, logLevelSeverity, type Outcome } from "@skiff/core";

/** A logs query's filters; absent fields match everything. */
export interface LogFilter {
  /** Records started at or after this epoch ms. */
  since?: number;
  /** Records with a line at this level or worse; lines below it are left out of what is sent. */
  minLevel?: LogLevel;
  /** Records with one of these outcomes. */
  outcomes?: readonly Outcome[];
}

/** Whether a live record passes the filter (storage applies the same rules in its query). */
export function matchesLogFilter(record: InvocationRecord, filter: LogFilter): boolean {
  if (filter.since !== undefined && record.startedAt < filter.since) return false;
  if (filter.outcomes !== undefined && !filter.outcomes.includes(record.outcome)) return false;
  if (filter.minLevel !== undefined) {
    const min = logLevelSeverity(filter.minLevel);
    if (!record.logs.some((line) => logLevelSeverity(line.level) >= min)) return false;
  }
  return true;
}

/** The record with only its lines at `minLevel` or worse; the record itself when there is no level. */
export function withLinesAtLeast(record: InvocationRecord, minLevel: LogLevel | undefined): InvocationRecord {
  if (minLevel === undefined) return record;
  const min = logLevelSeverity(minLevel);
  return { ...record, logs: record.logs.filter((line) => logLevelSeverity(line.level) >= min) };
}
