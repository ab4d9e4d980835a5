// Turns a logged value into one readable line, never throwing (tenant values may be hostile).

const MAX_DEPTH = 4;

export function inspect(value: unknown): string {
  try {
    return describe(value, 0, new Set());
  } catch {
    return "[uninspectable]";
  }
}

function describe(value: unknown, depth: number, seen: Set<object>): string {
  switch (typeof value) {
    case "string":
      return depth === 0 ? value : JSON.stringify(value);
    case "number":
    case "boolean":
    case "undefined":
    case "symbol":
      return String(value);
    case "bigint":
      return `${value}n`;
    case "function":
      return `[Function ${(value as { name?: string }).name || "(anonymous)"}]`;
  }
  if (value === null) return "null";
  const object = value as object;
  if (object instanceof Error) return object.stack ?? `${object.name}: ${object.message}`;
  if (seen.has(object)) return "[Circular]";
  if (depth >= MAX_DEPTH) return Array.isArray(object) ? "[Array]" : "[Object]";
  seen.add(object);
  try {
    if (Array.isArray(object)) {
      return `[ ${object.map((item) => describe(item, depth + 1, seen)).join(", ")} ]`;
    }
    const entries = Object.keys(object).map(
      (key) => `${key}: ${describe((object as Record<string, unknown>)[key], depth + 1, seen)}`,
    );
    return entries.length === 0 ? "{}" : `{ ${entries.join(", ")} }`;
  } finally {
    seen.delete(object);
  }
}
