// Turns a cron expression in Cloudflare Workers' dialect into the node-cron expression that means the same.
//
// Users deploy the dialect of Cloudflare Cron Triggers (parsed there by cloudflare/saffron, "Quartz-like"):
// five fields `minute hour day-of-month month day-of-week`. node-cron reads a different dialect, so every
// field is parsed here, checked, and rewritten; node-cron only ever sees the rewritten form, and does all
// matching and scheduling itself.
//
// Every field: `*`, or a comma list of `v`, `a-b`, `*/s`, `v/s` (v to the field's end), `a-b/s`, with s from 1
// to the field's span (minute 59, hour 23, day-of-month 30, month 11, day-of-week 6), as saffron accepts.
//
// | field        | values                                   | alone only                      | for node-cron          |
// |--------------|------------------------------------------|---------------------------------|------------------------|
// | minute       | 0-59                                     |                                 | same                   |
// | hour         | 0-23                                     |                                 | same                   |
// | day-of-month | 1-31                                     | `L` `LW` `L-n` (n 1-30) `nW` `?` | same; `?` → `*`        |
// | month        | 1-12, JAN-DEC (any case)                 |                                 | names → 1-12           |
// | day-of-week  | 1-7 with 1 = Sunday … 7 = Saturday,      | `dL` (last d of the month),     | numbers − 1 (node-cron: |
// |              | SUN-SAT (any case)                       | `d#n` (n-th d, n 1-5), `?`      | 0 = Sunday … 6 = Sat); |
// |              |                                          |                                 | names → 0-6; `?` → `*` |
//
// `v/s` becomes `v-<last>/s` (node-cron reads only the explicit range); `L`, `W` and the names are accepted in
// any case. `?` (Quartz's "no specific value") becomes `*`, which means the same here: with the other day field
// restricted, a `*` day field adds no restriction in either dialect.
//
// Refused, each with a message naming the field and the token (never silently reinterpreted):
// - a field count other than 5: node-cron would read a 6th field as seconds, Quartz as years;
// - nicknames (`@daily`), which Cloudflare does not accept;
// - day-of-week `0`: Sunday is `1` (or `SUN`) in this dialect;
// - day-of-week `L` alone (Quartz: Saturday; almost always meant as "last …"): write `SAT` or e.g. `FRIL`;
// - `L-nW` (nearest weekday to an offset from the month's end): node-cron has no such token;
// - `L`, `W`, `#`, `?` inside a list (saffron refuses them there too) and `*` inside a list (saffron reads it
//   as the field's lowest value);
// - ranges that wrap around (`22-2`, `FRI-MON`): that Cloudflare reads them as Quartz does could not be
//   confirmed (saffron's wrap-around bit arithmetic looks off by one), so the user writes the two halves;
// - day-of-month and day-of-week both restricted (anything but `*`/`?`, even `*/1`): Cloudflare runs on days
//   matching EITHER, node-cron only on days matching BOTH; "either" takes two triggers;
// - schedules that can never run (`0 0 31 4 *`), which would make node-cron throw when it starts.
//
// node-cron 4.6.0 gives the tokens it accepts the Quartz meanings (checked in its source): `L` last day,
// `L-n` n days before it, `nW` nearest weekday within the month (1W on a Saturday → Monday 3rd; 31W on a
// Sunday → Friday 29th), `LW` last weekday, `dL` last weekday `d` of the month, `d#n` the n-th weekday `d`
// (days 1-7 of the month are occurrence 1, …).

import { SkiffError } from "@skiff/core";
import { validateDetailed } from "node-cron";

/** A cron expression rewritten for node-cron: exactly 5 fields, node-cron's day-of-week numbering. */
export interface NormalizedCron {
  expression: string;
}

const MAX_EXPRESSION_LENGTH = 256;
const FIVE_FIELDS = 'minute hour day-of-month month day-of-week, e.g. "*/5 * * * *"';

const MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
/** Longest month lengths, February counted with its leap day. */
const MAX_DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

interface FieldSpec {
  readonly label: string;
  /** Bounds in the user's dialect. */
  readonly min: number;
  readonly max: number;
  /** Names accepted for the values min, min+1, …; matched case-insensitively. */
  readonly names?: readonly string[];
  /** Written into errors: what the field accepts. */
  readonly accepts: string;
  /** From the user's number to node-cron's. */
  readonly toNodeCron: (value: number) => number;
}

const identity = (value: number): number => value;

const MINUTE: FieldSpec = { label: "minute", min: 0, max: 59, accepts: "0-59", toNodeCron: identity };
const HOUR: FieldSpec = { label: "hour", min: 0, max: 23, accepts: "0-23", toNodeCron: identity };
const DAY_OF_MONTH: FieldSpec = {
  label: "day-of-month",
  min: 1,
  max: 31,
  accepts: "1-31, L, LW, L-n or nW",
  toNodeCron: identity,
};
const MONTH: FieldSpec = {
  label: "month",
  min: 1,
  max: 12,
  names: MONTH_NAMES,
  accepts: "1-12 or JAN-DEC",
  toNodeCron: identity,
};
// Cloudflare numbers Sunday 1 … Saturday 7; node-cron numbers Sunday 0 … Saturday 6.
const DAY_OF_WEEK: FieldSpec = {
  label: "day-of-week",
  min: 1,
  max: 7,
  names: DAY_NAMES,
  accepts: "1-7 (1 = Sunday) or SUN-SAT, dL or d#n",
  toNodeCron: (value) => value - 1,
};

const NICKNAME_EQUIVALENTS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * SUN",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

/**
 * Validates a cron expression in Cloudflare Workers' dialect and rewrites it for node-cron, keeping its meaning.
 * Throws `SkiffError("INVALID_CONFIG")` naming the field and token that is wrong and how to fix it.
 *
 * @example
 * normalizeCron("0 9 * * MON-FRI").expression; // "0 9 * * 1-5"
 * normalizeCron("0 9 * * 2-6").expression;     // "0 9 * * 1-5" (Cloudflare: 2 = Monday)
 */
export function normalizeCron(expression: string): NormalizedCron {
  if (typeof expression !== "string") {
    throw invalid(String(expression), "a cron expression must be a string");
  }
  const text = expression.trim().replace(/\s+/g, " ");
  if (text === "") {
    throw invalid(text, `is empty, expected 5 fields: ${FIVE_FIELDS}`);
  }
  if (text.length > MAX_EXPRESSION_LENGTH) {
    throw invalid(`${text.slice(0, 40)}…`, `is longer than ${MAX_EXPRESSION_LENGTH} characters`);
  }
  const nickname = NICKNAME_EQUIVALENTS[text.toLowerCase()];
  if (text.startsWith("@")) {
    const hint = nickname === undefined ? "" : ` (for ${text}: "${nickname}")`;
    throw invalid(text, `nicknames such as @daily are not supported; write the 5 fields instead${hint}`);
  }

  const raw = text.split(" ");
  if (raw.length !== 5) {
    const seconds =
      raw.length === 6
        ? "; a 6-field expression (seconds first, or Quartz's year last) is not supported: schedules run at most once a minute"
        : "";
    throw invalid(text, `has ${raw.length} fields, expected 5: ${FIVE_FIELDS}${seconds}`);
  }

  const [minute, hour, dayOfMonth, month, dayOfWeek] = raw as [string, string, string, string, string];
  const fields: [string, string, string, string, string] = [
    normalizeField(text, MINUTE, minute),
    normalizeField(text, HOUR, hour),
    normalizeDayOfMonth(text, dayOfMonth),
    normalizeField(text, MONTH, month),
    normalizeDayOfWeek(text, dayOfWeek),
  ];

  const [, , nodeDayOfMonth, nodeMonth, nodeDayOfWeek] = fields;
  if (nodeDayOfMonth !== "*" && nodeDayOfWeek !== "*") {
    throw invalid(
      text,
      `restricts both day-of-month ("${dayOfMonth}") and day-of-week ("${dayOfWeek}"): Cloudflare runs it on days ` +
        `matching either, node-cron only on days matching both. Set one of them to "*" ` +
        `(for "either", declare two triggers)`,
    );
  }

  assertCanRun(text, dayOfMonth, month, nodeDayOfMonth, nodeMonth);
  const normalized = fields.join(" ");
  const check = validateDetailed(normalized);
  if (!check.valid) {
    // Unreachable for what the parser above lets through; kept so node-cron never receives what it refuses.
    const reasons = check.errors.map((error) => error.message).join("; ");
    throw invalid(text, `is not accepted by the scheduler (${reasons})`);
  }
  return { expression: normalized };
}

function invalid(expression: string, problem: string, field?: string): SkiffError {
  return new SkiffError("INVALID_CONFIG", `cron "${expression}": ${problem}`, {
    details: field === undefined ? { cron: expression } : { cron: expression, field },
  });
}

function invalidField(expression: string, spec: FieldSpec, problem: string): SkiffError {
  return invalid(expression, `${spec.label} ${problem}`, spec.label);
}

/** Day-of-month: the generic grammar, plus `?`, `L`, `LW`, `L-n` and `nW`, each only as the whole field. */
function normalizeDayOfMonth(expression: string, field: string): string {
  if (field.includes(",")) {
    assertNoSpecialInList(expression, DAY_OF_MONTH, field, (item) => /[LW?]/i.test(item));
    return normalizeField(expression, DAY_OF_MONTH, field);
  }
  const token = field.toUpperCase();
  if (token === "?") return "*";
  if (token === "L" || token === "LW") return token;
  const offset = /^L-(\d+)$/.exec(token);
  if (offset) {
    const days = Number(offset[1]);
    if (days < 1 || days > 30) {
      throw invalidField(expression, DAY_OF_MONTH, `"${field}": the offset after L- must be 1-30`);
    }
    return `L-${days}`;
  }
  if (/^L-\d+W$/.test(token)) {
    throw invalidField(
      expression,
      DAY_OF_MONTH,
      `"${field}" (nearest weekday to a day counted back from the month's end) is not supported; ` +
        `use LW, L-n or nW`,
    );
  }
  const weekday = /^(\d+)W$/.exec(token);
  if (weekday) {
    const day = Number(weekday[1]);
    if (day < 1 || day > 31) {
      throw invalidField(expression, DAY_OF_MONTH, `"${field}": the day before W must be 1-31`);
    }
    return `${day}W`;
  }
  return normalizeField(expression, DAY_OF_MONTH, field);
}

/** Day-of-week: the generic grammar with Cloudflare's numbering, plus `?`, `dL` and `d#n` as the whole field. */
function normalizeDayOfWeek(expression: string, field: string): string {
  if (field.includes(",")) {
    // No day name ends in L, so an item ending in L is the "last weekday" token.
    assertNoSpecialInList(expression, DAY_OF_WEEK, field, (item) => /[#?]|L$/i.test(item));
    return normalizeField(expression, DAY_OF_WEEK, field);
  }
  const token = field.toUpperCase();
  if (token === "?") return "*";
  if (token === "L") {
    throw invalidField(
      expression,
      DAY_OF_WEEK,
      `"L" alone means Saturday in Cloudflare's (Quartz) cron; write SAT, or e.g. FRIL for the last Friday of the month`,
    );
  }
  const last = /^([^#/-]+)L$/.exec(token);
  if (last?.[1] !== undefined) {
    const day = parseValue(expression, DAY_OF_WEEK, last[1], field);
    return `${DAY_OF_WEEK.toNodeCron(day)}L`;
  }
  const nth = /^([^#/-]+)#(.*)$/.exec(token);
  if (nth?.[1] !== undefined && nth[2] !== undefined) {
    const day = parseValue(expression, DAY_OF_WEEK, nth[1], field);
    if (!/^[1-5]$/.test(nth[2])) {
      throw invalidField(expression, DAY_OF_WEEK, `"${field}": the occurrence after # must be 1-5`);
    }
    return `${DAY_OF_WEEK.toNodeCron(day)}#${nth[2]}`;
  }
  return normalizeField(expression, DAY_OF_WEEK, field);
}

/** saffron (Cloudflare) accepts `?`, `L`, `W` and `#` only as a whole field, never inside a list. */
function assertNoSpecialInList(
  expression: string,
  spec: FieldSpec,
  field: string,
  isSpecial: (item: string) => boolean,
): void {
  for (const item of field.split(",")) {
    if (isSpecial(item)) {
      throw invalidField(
        expression,
        spec,
        `"${field}": "${item}" must be the whole field, it cannot be combined with other values`,
      );
    }
  }
}

/**
 * The grammar every field shares (saffron's): `*`, or a comma list of `v`, `a-b`, `*\/s`, `v/s`, `a-b/s`.
 * Returns the field in node-cron's terms.
 */
function normalizeField(expression: string, spec: FieldSpec, field: string): string {
  if (field === "*") return "*";
  if (field.includes("?")) {
    throw invalidField(
      expression,
      spec,
      `"${field}": "?" is only allowed as the whole day-of-month or day-of-week field`,
    );
  }
  const items = field.split(",");
  return items.map((item) => normalizeItem(expression, spec, field, item, items.length > 1)).join(",");
}

function normalizeItem(
  expression: string,
  spec: FieldSpec,
  field: string,
  item: string,
  inList: boolean,
): string {
  if (item === "") {
    throw invalidField(
      expression,
      spec,
      `"${field}" has an empty list item; separate values with single commas`,
    );
  }
  const slash = item.indexOf("/");
  const base = slash === -1 ? item : item.slice(0, slash);
  const step = slash === -1 ? undefined : parseStep(expression, spec, field, item.slice(slash + 1));

  if (base === "*") {
    if (step === undefined) {
      if (inList) {
        throw invalidField(
          expression,
          spec,
          `"${field}": "*" already means every value; remove the other values`,
        );
      }
      return "*";
    }
    return `*/${step}`;
  }

  const dash = base.indexOf("-", 1);
  if (dash === -1) {
    const start = parseValue(expression, spec, base, field);
    // Quartz `v/s` runs from v to the field's last value; node-cron only reads the explicit range.
    if (step === undefined || start === spec.max) return `${spec.toNodeCron(start)}`;
    return `${spec.toNodeCron(start)}-${spec.toNodeCron(spec.max)}/${step}`;
  }

  const firstText = base.slice(0, dash);
  const lastText = base.slice(dash + 1);
  const first = parseValue(expression, spec, firstText, field);
  const last = parseValue(expression, spec, lastText, field);
  if (first > last) {
    const lowest = displayValue(spec, spec.min, firstText);
    const highest = displayValue(spec, spec.max, firstText);
    const halves =
      step === undefined
        ? `write the two halves instead: "${firstText}-${highest},${lowest}-${lastText}"`
        : "write the values as a list instead";
    throw invalidField(
      expression,
      spec,
      `"${field}": range "${base}" runs backwards; wrap-around ranges are not supported, ${halves}`,
    );
  }
  const range =
    first === last ? `${spec.toNodeCron(first)}` : `${spec.toNodeCron(first)}-${spec.toNodeCron(last)}`;
  if (step === undefined) return range;
  return first === last ? range : `${range}/${step}`;
}

/** Steps are 1 up to the field's span, as saffron accepts them. */
function parseStep(expression: string, spec: FieldSpec, field: string, text: string): number {
  const span = spec.max - spec.min;
  if (!/^\d{1,3}$/.test(text) || Number(text) < 1 || Number(text) > span) {
    throw invalidField(expression, spec, `"${field}": the step after "/" must be a number from 1 to ${span}`);
  }
  return Number(text);
}

function parseValue(expression: string, spec: FieldSpec, text: string, field: string): number {
  if (/^\d{1,3}$/.test(text)) {
    const value = Number(text);
    if (spec === DAY_OF_WEEK && value === 0) {
      throw invalidField(
        expression,
        spec,
        `"${field}": 0 is not a day here; Cloudflare numbers days 1 (Sunday) to 7 (Saturday), ` +
          `so write 1 or SUN for Sunday (names avoid the ambiguity)`,
      );
    }
    if (value < spec.min || value > spec.max) {
      throw invalidField(expression, spec, `"${field}": ${value} is out of range, expected ${spec.accepts}`);
    }
    return value;
  }
  const index = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (index !== -1) return spec.min + index;
  throw invalidField(expression, spec, `"${field}": "${text}" is not valid, expected ${spec.accepts}`);
}

function isName(spec: FieldSpec, text: string): boolean {
  return spec.names?.includes(text.toUpperCase()) ?? false;
}

/** Writes a bound the way the user wrote the range: a name if they used names, else a number. */
function displayValue(spec: FieldSpec, value: number, styleOf: string): string {
  if (spec.names !== undefined && isName(spec, styleOf)) return spec.names[value - spec.min] ?? `${value}`;
  return `${value}`;
}

/**
 * Refuses day-of-month schedules that no month in the month field can satisfy (node-cron would throw when it
 * looks for the next run). Only the day-of-month matters: day-of-week is `*` whenever day-of-month is restricted.
 * node-cron expands both fields; only their meaning in calendar terms is checked here.
 */
function assertCanRun(
  expression: string,
  dayOfMonthText: string,
  monthText: string,
  nodeDayOfMonth: string,
  nodeMonth: string,
): void {
  const days = validateDetailed(`0 0 ${nodeDayOfMonth} * *`).fields?.dayOfMonth ?? [];
  const months = validateDetailed(`0 0 * ${nodeMonth} *`).fields?.month ?? [];
  const smallestDayNeeded = Math.min(...days.map(dayNeeded));
  const longestMonth = Math.max(...months.map((month) => MAX_DAYS_IN_MONTH[month - 1] ?? 0));
  if (smallestDayNeeded > longestMonth) {
    throw invalid(
      expression,
      `never runs: day-of-month "${dayOfMonthText}" does not occur in month "${monthText}"`,
      DAY_OF_MONTH.label,
    );
  }
}

/** The day of the month a token needs to exist to ever match. */
function dayNeeded(day: number | string): number {
  if (typeof day === "number") return day;
  const weekday = /^(\d+)W$/.exec(day);
  if (weekday) return Number(weekday[1]);
  const offset = /^L-(\d+)$/.exec(day);
  if (offset) return Number(offset[1]) + 1;
  return 1;
}
