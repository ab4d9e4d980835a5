// How many rows a list answers: a limit from a query string may be anything, so it is clamped, never trusted.

export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 1000;

/** The default for a missing or non-finite limit; otherwise the limit as a whole number in [1, 1000]. */
export function clampListLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_LIST_LIMIT;
  return Math.min(MAX_LIST_LIMIT, Math.max(1, Math.floor(limit)));
}
