// A bucket's notification rules: checked when set, matched against every write inside its transaction.
import { isValidName, SkiffError } from "@skiff/core";
import type { NotificationRule, ObjectAction } from "./types.js";

/** Most rules a bucket holds: each write is matched against all of them inside its transaction. */
export const MAX_NOTIFICATION_RULES = 100;
/** Longest prefix or suffix filter, bytes of UTF-8 (the longest key). */
const FILTER_BYTES = 1024;

export type NotificationEventType = NotificationRule["events"][number];

const EVENT_TYPES: ReadonlySet<string> = new Set<NotificationEventType>(["object-create", "object-delete"]);
const RULE_FIELDS: ReadonlySet<string> = new Set([
  "events",
  "prefix",
  "suffix",
  "function",
  "batchSize",
  "maxWaitMs",
  "allowRecursion",
]);

/** Which rules a write concerns: deletes are `object-delete`, every other action `object-create`. */
export function eventTypeOf(action: ObjectAction): NotificationEventType {
  return action === "DeleteObject" ? "object-delete" : "object-create";
}

/** True if the rule asks for this kind of event and its prefix and suffix filters match the key. */
export function ruleMatches(rule: NotificationRule, type: NotificationEventType, key: string): boolean {
  return (
    rule.events.includes(type) &&
    (rule.prefix === undefined || key.startsWith(rule.prefix)) &&
    (rule.suffix === undefined || key.endsWith(rule.suffix))
  );
}

/**
 * Checks rules that may come from outside (a JSON body) and returns them in their stored form: only known
 * fields, each event type once, empty filters dropped. Throws `INVALID_REQUEST` naming the rule at fault.
 */
export function normalizeNotificationRules(rules: readonly NotificationRule[]): NotificationRule[] {
  if (!Array.isArray(rules)) throw invalid("the rules must be a list");
  if (rules.length > MAX_NOTIFICATION_RULES) {
    throw invalid(`a bucket holds at most ${MAX_NOTIFICATION_RULES} notification rules, not ${rules.length}`);
  }
  return rules.map((rule, index) => normalizeRule(rule, index));
}

function normalizeRule(rule: NotificationRule, index: number): NotificationRule {
  const at = `notification rule ${index}`;
  if (typeof rule !== "object" || rule === null || Array.isArray(rule))
    throw invalid(`${at} must be an object`);
  for (const field of Object.keys(rule)) {
    if (!RULE_FIELDS.has(field)) throw invalid(`${at} has an unknown field ${JSON.stringify(field)}`);
  }
  const events = rule.events as unknown;
  if (!Array.isArray(events) || events.length === 0) {
    throw invalid(`${at} needs events: a list of "object-create" and/or "object-delete"`);
  }
  for (const event of events) {
    if (typeof event !== "string" || !EVENT_TYPES.has(event)) {
      throw invalid(
        `${at} has an unknown event ${JSON.stringify(event)}: use "object-create" or "object-delete"`,
      );
    }
  }
  if (typeof rule.function !== "string" || !isValidName(rule.function)) {
    throw invalid(`${at} needs a function name (1-63 characters of a-z, 0-9 and '-')`);
  }
  const normalized: NotificationRule = {
    events: [...new Set(events as NotificationEventType[])],
    function: rule.function,
  };
  for (const filter of ["prefix", "suffix"] as const) {
    const value = rule[filter] as unknown;
    if (value === undefined) continue;
    if (typeof value !== "string" || Buffer.byteLength(value, "utf8") > FILTER_BYTES) {
      throw invalid(`${at}: ${filter} must be a string of at most ${FILTER_BYTES} bytes`);
    }
    if (value !== "") normalized[filter] = value;
  }
  if (rule.batchSize !== undefined) {
    normalized.batchSize = wholeNumber(rule.batchSize, 1, 100, `${at}: batchSize`);
  }
  if (rule.maxWaitMs !== undefined) {
    normalized.maxWaitMs = wholeNumber(rule.maxWaitMs, 0, 60_000, `${at}: maxWaitMs`);
  }
  if (rule.allowRecursion !== undefined) {
    if (typeof rule.allowRecursion !== "boolean")
      throw invalid(`${at}: allowRecursion must be true or false`);
    normalized.allowRecursion = rule.allowRecursion;
  }
  return normalized;
}

function wholeNumber(value: unknown, min: number, max: number, what: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${what} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function invalid(message: string): SkiffError {
  return new SkiffError("INVALID_REQUEST", message);
}
