// When a failed async event is tried again: exponential backoff with jitter (DESIGN §6), so that a burst of
// failures does not come back as a burst.

/** Longest wait between two attempts. */
export const MAX_BACKOFF_MS = 15 * 60_000;

/**
 * Delay before attempt `attempt + 1` after attempt `attempt` failed: `minBackoffMs · 2^(attempt-1)`, capped,
 * then scaled by a random factor in [0.5, 1) ("equal jitter").
 *
 * @example
 * backoffMs(1, 60_000, Math.random) // between 30 s and 60 s
 */
export function backoffMs(attempt: number, minBackoffMs: number, random: () => number): number {
  const base = Math.min(minBackoffMs * 2 ** Math.max(0, attempt - 1), MAX_BACKOFF_MS);
  return Math.round(base * (0.5 + random() / 2));
}
