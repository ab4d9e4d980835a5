// Reads a "since" bound for logs: an epoch-ms timestamp, or a duration back from now such as 10m or 2h.

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d{1,9})(ms|s|m|h|d)$/;
const EPOCH_MS = /^\d{1,15}$/;

/** Every value `parseSince` accepts, for validating a query or flag before reading it. */
export const SINCE_PATTERN = /^(?:\d{1,15}|\d{1,9}(?:ms|s|m|h|d))$/;

/**
 * The epoch ms that `value` names, or undefined if it names none. A bare whole number is epoch ms; a whole
 * number with a unit (`ms`, `s`, `m`, `h`, `d`) is that long before `now`.
 *
 * @example
 * parseSince("10m", 1_700_000_600_000); // 1_700_000_000_000
 * parseSince("1700000000000", 0);        // 1_700_000_000_000
 */
export function parseSince(value: string, now: number): number | undefined {
  if (EPOCH_MS.test(value)) return Number(value);
  const match = DURATION.exec(value);
  if (match === null) return undefined;
  const amount = Number(match[1]);
  const unit = match[2] as keyof typeof UNIT_MS;
  return Math.max(0, now - amount * UNIT_MS[unit]);
}

/** What a valid `since` looks like, for error messages. */
export const SINCE_FORMAT = "epoch milliseconds or a duration such as 30s, 10m, 2h or 1d";
