// JSON values as a type and a guard: JSON variables carry them into `env`.

/** A value that survives `JSON.stringify` → `JSON.parse` unchanged. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Deeper nesting than any real configuration; bounds the recursion of the check and of `JSON.stringify`. */
export const MAX_JSON_DEPTH = 64;

/**
 * True if `value` is plain JSON data: strings, finite numbers, booleans, null, arrays and plain objects,
 * nested at most `maxDepth` levels. Functions, `undefined`, class instances, cycles and NaN are not.
 */
export function isJsonValue(value: unknown, maxDepth = MAX_JSON_DEPTH): value is JsonValue {
  return check(value, maxDepth, new Set());
}

function check(value: unknown, depth: number, open: Set<object>): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value);
    case "object": {
      if (value === null) return true;
      if (depth <= 0 || open.has(value)) return false;
      const proto = Object.getPrototypeOf(value);
      const isArray = Array.isArray(value);
      if (!isArray && proto !== Object.prototype && proto !== null) return false;
      open.add(value);
      const children = isArray ? value : Object.values(value);
      const ok = children.every((child) => check(child, depth - 1, open));
      open.delete(value);
      return ok;
    }
    default:
      return false;
  }
}
