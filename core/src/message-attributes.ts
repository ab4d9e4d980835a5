// Attributes of queue messages and topic publications (SNS "MessageAttributes"): what filter policies match on.
import { SkiffError } from "./errors.js";

/** One attribute value: SNS's String, Number and String.Array types as plain JSON. */
export type MessageAttributeValue = string | number | Array<string | number | boolean | null>;

export type MessageAttributes = Record<string, MessageAttributeValue>;

/** SNS allows 10 attributes per message. */
export const MAX_MESSAGE_ATTRIBUTES = 10;
/** Letters, digits, `_`, `-` and `.`, at most 256 (SNS's rule, without the reserved `AWS.` / `Amazon.` names). */
export const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const MAX_ARRAY_ELEMENTS = 100;
const MAX_STRING_BYTES = 1024;

const utf8 = new TextEncoder();

function invalid(message: string): SkiffError {
  return new SkiffError("INVALID_REQUEST", `invalid message attributes: ${message}`);
}

function checkString(value: string, name: string): void {
  if (utf8.encode(value).byteLength > MAX_STRING_BYTES) {
    throw invalid(`attribute "${name}" holds a string over ${MAX_STRING_BYTES} bytes`);
  }
}

/**
 * Validates untrusted attributes (from the API or an isolate) into a fresh plain object; absent means none.
 * Throws `INVALID_REQUEST` naming the first problem.
 *
 * @example
 * parseMessageAttributes({ color: "red", size: 12, tags: ["a", "b"] })
 */
export function parseMessageAttributes(input: unknown): MessageAttributes {
  if (input === undefined || input === null) return {};
  if (typeof input !== "object" || Array.isArray(input)) throw invalid("attributes are a JSON object");
  const entries = Object.entries(input as Record<string, unknown>);
  if (entries.length > MAX_MESSAGE_ATTRIBUTES) {
    throw invalid(`at most ${MAX_MESSAGE_ATTRIBUTES} attributes, not ${entries.length}`);
  }
  // `__proto__` is refused above, so a plain object can hold every name as an own key.
  const result: MessageAttributes = {};
  for (const [name, value] of entries) {
    if (!ATTRIBUTE_NAME.test(name) || name === "__proto__" || /^(aws|amazon)\./i.test(name)) {
      throw invalid(
        `attribute name ${JSON.stringify(name.slice(0, 80))}: use 1-256 of A-Z a-z 0-9 _ - . (not AWS./Amazon.)`,
      );
    }
    if (typeof value === "string") checkString(value, name);
    else if (typeof value === "number") {
      if (!Number.isFinite(value)) throw invalid(`attribute "${name}" is not a finite number`);
    } else if (Array.isArray(value)) {
      if (value.length > MAX_ARRAY_ELEMENTS) {
        throw invalid(`attribute "${name}" holds more than ${MAX_ARRAY_ELEMENTS} elements`);
      }
      for (const element of value) {
        if (typeof element === "string") checkString(element, name);
        else if (typeof element === "number" && !Number.isFinite(element)) {
          throw invalid(`attribute "${name}" holds a number that is not finite`);
        } else if (element !== null && typeof element !== "number" && typeof element !== "boolean") {
          throw invalid(`attribute "${name}" holds something other than strings, numbers, booleans, null`);
        }
      }
    } else {
      throw invalid(`attribute "${name}" is a string, a number or an array of them`);
    }
    result[name] = Array.isArray(value) ? [...value] : value;
  }
  return result;
}

/** SNS's `MessageAttributes` of a Lambda SNS record: `{name: {Type, Value}}`, values as strings. */
export function snsMessageAttributes(
  attributes: MessageAttributes,
): Record<string, { Type: string; Value: string }> {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      typeof value === "number"
        ? { Type: "Number", Value: String(value) }
        : Array.isArray(value)
          ? { Type: "String.Array", Value: JSON.stringify(value) }
          : { Type: "String", Value: value },
    ]),
  );
}
