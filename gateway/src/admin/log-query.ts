// The query of `GET …/functions/{name}/logs`: filters, a limit, and whether to follow live.
import {
  LOG_LEVELS,
  type LogLevel,
  OUTCOMES,
  type Outcome,
  parseSince,
  SINCE_FORMAT,
  SINCE_PATTERN,
} from "@skiff/core";
import { z } from "zod";
import type { LogFilter } from "../observe/log-filter.js";
import { parseRequest } from "./schemas.js";

const levels = LOG_LEVELS as [LogLevel, ...LogLevel[]];
const outcomes = OUTCOMES as [Outcome, ...Outcome[]];

export const logsQuery = z.strictObject({
  /** Epoch ms, or a duration back from now: `10m`, `2h`. */
  since: z.string().regex(SINCE_PATTERN, `since is ${SINCE_FORMAT}`).optional(),
  /** The least severe level wanted: `warn` means warn and error lines. */
  level: z.enum(levels, { error: `level is one of ${levels.join(", ")}` }).optional(),
  /** One outcome or several, comma-separated: `outcome=exception,timeout`. */
  outcome: z
    .string()
    .transform((value) => value.split(","))
    .pipe(z.array(z.enum(outcomes, { error: `outcome is one of ${outcomes.join(", ")}` })))
    .optional(),
  limit: z
    .string()
    .regex(/^\d+$/, "limit is a whole number")
    .transform(Number)
    .pipe(z.number().int().min(1).max(1000))
    .optional(),
  follow: z
    .enum(["1", "true", "0", "false"], { error: "follow is 1 or 0" })
    .transform((value) => value === "1" || value === "true")
    .optional(),
});

export interface LogsRequest {
  filter: LogFilter;
  limit: number | undefined;
  follow: boolean;
}

/** The request's filters, with `since` read against `now`; INVALID_REQUEST naming every bad parameter. */
export function parseLogsQuery(query: Record<string, string>, now: number): LogsRequest {
  const parsed = parseRequest(logsQuery, query, "query");
  const filter: LogFilter = {};
  // SINCE_PATTERN admits only what parseSince reads.
  if (parsed.since !== undefined) filter.since = parseSince(parsed.since, now) as number;
  if (parsed.level !== undefined) filter.minLevel = parsed.level;
  if (parsed.outcome !== undefined) filter.outcomes = parsed.outcome;
  return { filter, limit: parsed.limit, follow: parsed.follow ?? false };
}
