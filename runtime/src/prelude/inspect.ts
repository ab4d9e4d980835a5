// Turns a logged value into one readable line, never throwing (tenant values may be hostile) and never
// calling built-ins that tenant code may have replaced.
import { ArrayIsArray, append, isError, JSONStringify, ObjectKeys, StringCtor } from "./intrinsics.js";

const MAX_DEPTH = 4;
/** Entries shown per array or object; a log line is cut at 8 KB anyway. */
const MAX_ENTRIES = 100;

export function inspect(value: unknown): string {
  try {
    return describe(value, 0, []);
  } catch {
    return "[uninspectable]";
  }
}

function describe(value: unknown, depth: number, seen: object[]): string {
  switch (typeof value) {
    case "string":
      return depth === 0 ? value : (JSONStringify(value) as string);
    case "number":
    case "boolean":
    case "undefined":
    case "symbol":
      return StringCtor(value);
    case "bigint":
      return `${value}n`;
    case "function":
      return `[Function ${StringCtor((value as { name?: unknown }).name) || "(anonymous)"}]`;
  }
  if (value === null) return "null";
  const object = value as object;
  if (isError(object)) {
    // Name and message first: V8 formats a stack on first read and, if a getter it calls is stopped by the
    // invocation's limit there, swallows the termination, so tenant code read after it could not be stopped.
    const header = `${StringCtor(object.name)}: ${StringCtor(object.message)}`;
    const stack = object.stack;
    return typeof stack === "string" ? stack : header;
  }
  for (let i = 0; i < seen.length; i++) if (seen[i] === object) return "[Circular]";
  if (depth >= MAX_DEPTH) return ArrayIsArray(object) ? "[Array]" : "[Object]";
  append(seen, object);
  try {
    if (ArrayIsArray(object)) {
      const length = object.length;
      let out = "";
      for (let i = 0; i < length && i < MAX_ENTRIES; i++) {
        out += (i === 0 ? "" : ", ") + describe(object[i], depth + 1, seen);
      }
      if (length > MAX_ENTRIES) out += `, … ${length - MAX_ENTRIES} more`;
      return `[ ${out} ]`;
    }
    const keys = ObjectKeys(object);
    if (keys.length === 0) return "{}";
    let out = "";
    for (let i = 0; i < keys.length && i < MAX_ENTRIES; i++) {
      const key = keys[i] as string;
      out += `${i === 0 ? "" : ", "}${key}: ${describe((object as Record<string, unknown>)[key], depth + 1, seen)}`;
    }
    if (keys.length > MAX_ENTRIES) out += `, … ${keys.length - MAX_ENTRIES} more`;
    return `{ ${out} }`;
  } finally {
    seen.length--;
  }
}
