// Topic subscription filter policies: the SNS subset Skiff supports, matched against message attributes.
// A policy is an object of attribute name → list of conditions; every name must match (AND), and a name
// matches when any of its conditions does (OR). Conditions: an exact string or number, `{"prefix"}`,
// `{"numeric": [op, n]}` or a range `[">", a, "<=", b]`, `{"anything-but"}` (a value, a list, or a prefix),
// and `{"exists": true|false}`. Every condition but `exists: false` needs the attribute to be present.
import { z } from "zod";
import { formatIssues } from "./config.js";
import { SkiffError } from "./errors.js";
import type { MessageAttributes, MessageAttributeValue } from "./message-attributes.js";

/** SNS's own bounds: 5 attribute names, 150 values in one policy. */
export const MAX_POLICY_ATTRIBUTES = 5;
export const MAX_POLICY_VALUES = 150;

type Exact = string | number;
type NumericOp = "=" | "<" | "<=" | ">" | ">=";

export type FilterCondition =
  | Exact
  | { prefix: string }
  | { numeric: [NumericOp, number] | [">" | ">=", number, "<" | "<=", number] }
  | { "anything-but": Exact | Exact[] | { prefix: string } }
  | { exists: boolean };

export type FilterPolicy = Record<string, FilterCondition[]>;

const exact = z.union([z.string().max(1024), z.number().refine(Number.isFinite, "a finite number")]);
const prefix = z.strictObject({ prefix: z.string().min(1).max(1024) });
const num = z.number().refine(Number.isFinite, "a finite number");
const condition = z.union([
  exact,
  prefix,
  z.strictObject({
    numeric: z.union([
      z.tuple([z.enum(["=", "<", "<=", ">", ">="]), num]),
      z.tuple([z.enum([">", ">="]), num, z.enum(["<", "<="]), num]).refine(([, low, , high]) => low <= high, {
        message: "a numeric range's lower bound is not above its upper bound",
      }),
    ]),
  }),
  z.strictObject({
    "anything-but": z.union([exact, z.array(exact).min(1).max(MAX_POLICY_VALUES), prefix]),
  }),
  z.strictObject({ exists: z.boolean() }),
]);

const policySchema = z
  .custom<Record<string, unknown>>(
    (value) =>
      typeof value === "object" &&
      value !== null &&
      !Array.isArray(value) &&
      !Object.hasOwn(value, "__proto__"),
    { message: "a filter policy is an object of attribute name → list of conditions" },
  )
  .pipe(
    z
      .record(
        z.string().regex(/^[A-Za-z0-9_.-]{1,256}$/, "attribute names are 1-256 of A-Z a-z 0-9 _ - ."),
        z.array(condition).min(1),
      )
      .refine((policy) => Object.keys(policy).length >= 1, { message: "a filter policy names an attribute" })
      .refine((policy) => Object.keys(policy).length <= MAX_POLICY_ATTRIBUTES, {
        message: `a filter policy names at most ${MAX_POLICY_ATTRIBUTES} attributes`,
      })
      .refine((policy) => countValues(policy as FilterPolicy) <= MAX_POLICY_VALUES, {
        message: `a filter policy holds at most ${MAX_POLICY_VALUES} values`,
      }),
  );

function countValues(policy: FilterPolicy): number {
  let count = 0;
  for (const conditions of Object.values(policy)) {
    for (const c of conditions) {
      const but = typeof c === "object" && "anything-but" in c ? c["anything-but"] : undefined;
      count += Array.isArray(but) ? but.length : 1;
    }
  }
  return count;
}

/**
 * Validates an untrusted filter policy. Throws `INVALID_REQUEST` listing every problem.
 *
 * @example
 * parseFilterPolicy({ color: ["red", { prefix: "bl" }], size: [{ numeric: [">", 10, "<=", 20] }] })
 */
export function parseFilterPolicy(input: unknown): FilterPolicy {
  const parsed = policySchema.safeParse(input);
  if (!parsed.success) {
    throw new SkiffError("INVALID_REQUEST", `invalid filter policy: ${formatIssues(parsed.error)}`, {
      details: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    });
  }
  return parsed.data as FilterPolicy;
}

/** True if a message with `attributes` passes `policy`; no policy passes everything. */
export function matchesFilterPolicy(
  policy: FilterPolicy | null | undefined,
  attributes: MessageAttributes,
): boolean {
  if (policy === null || policy === undefined) return true;
  return Object.entries(policy).every(([name, conditions]) => {
    const value = Object.hasOwn(attributes, name) ? attributes[name] : undefined;
    return conditions.some((c) => matchesCondition(c, value));
  });
}

function matchesCondition(condition: FilterCondition, value: MessageAttributeValue | undefined): boolean {
  if (typeof condition === "object" && "exists" in condition)
    return condition.exists === (value !== undefined);
  if (value === undefined) return false;
  // A String.Array attribute matches when one of its elements does.
  const scalars: unknown[] = Array.isArray(value) ? value : [value];
  if (typeof condition === "string" || typeof condition === "number") {
    return scalars.some((s) => s === condition);
  }
  if ("prefix" in condition) return scalars.some((s) => hasPrefix(s, condition.prefix));
  if ("numeric" in condition) {
    return scalars.some((s) => typeof s === "number" && inRange(s, condition.numeric));
  }
  const excluded = condition["anything-but"];
  if (typeof excluded === "object" && !Array.isArray(excluded)) {
    return !scalars.some((s) => hasPrefix(s, excluded.prefix));
  }
  const list: unknown[] = Array.isArray(excluded) ? excluded : [excluded];
  return !scalars.some((s) => list.includes(s));
}

function hasPrefix(value: unknown, prefix: string): boolean {
  return typeof value === "string" && value.startsWith(prefix);
}

function inRange(value: number, spec: (string | number)[]): boolean {
  for (let i = 0; i + 1 < spec.length; i += 2) {
    const bound = spec[i + 1] as number;
    switch (spec[i]) {
      case "=":
        if (!(value === bound)) return false;
        break;
      case "<":
        if (!(value < bound)) return false;
        break;
      case "<=":
        if (!(value <= bound)) return false;
        break;
      case ">":
        if (!(value > bound)) return false;
        break;
      case ">=":
        if (!(value >= bound)) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
