// The `from` and `to` of a usage query: epoch ms, an ISO 8601 date or time, or a duration back from now.
import { parseSince, SkiffError } from "@skiff/core";

/** What a bound looks like, for error messages and help. */
export const TIME_BOUND_FORMAT =
  "epoch milliseconds, an ISO 8601 date or time (2026-11-01, 2026-11-01T12:00:00Z), or a duration back from now (30m, 24h, 7d)";

/** A date, or a date and time with seconds optional, fraction optional, and a zone (Z or ±hh:mm) required. */
const ISO_BOUND = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** The epoch ms `value` names, or undefined if it names none. A date alone is its UTC midnight. */
export function parseTimeBound(value: string, now: number): number | undefined {
  const since = parseSince(value, now);
  if (since !== undefined) return since;
  if (!ISO_BOUND.test(value)) return undefined;
  const ms = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The start of the UTC month holding `now`: a usage query's default `from`, as on a monthly bill. */
export function monthStart(now: number): number {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

/**
 * Resolves a query's bounds; `from` defaults to the start of this UTC month, `to` to now. Throws
 * INVALID_REQUEST for a bound that is not a time or a range that ends before it starts.
 */
export function resolveTimeRange(
  query: { from?: string | undefined; to?: string | undefined },
  now: number,
): { from: number; to: number } {
  const bound = (name: string, value: string | undefined, fallback: number) => {
    if (value === undefined) return fallback;
    const ms = parseTimeBound(value, now);
    if (ms === undefined) {
      throw new SkiffError("INVALID_REQUEST", `"${name}" must be ${TIME_BOUND_FORMAT}, not "${value}"`);
    }
    return ms;
  };
  const from = bound("from", query.from, monthStart(now));
  const to = bound("to", query.to, now);
  if (to < from) {
    throw new SkiffError(
      "INVALID_REQUEST",
      `"to" (${new Date(to).toISOString()}) is before "from" (${new Date(from).toISOString()})`,
    );
  }
  return { from, to };
}
