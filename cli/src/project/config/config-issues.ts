// Turns schema issues into lines a person can act on: the file, the place, the field's path, what is wrong,
// and for a mistyped field the name that was probably meant.
import type { z } from "zod";
import { closestName } from "./closest-name.js";
import type { ConfigPath, TextPosition } from "./parse-config-text.js";

/** Known names are listed in full when there are at most this many; otherwise only a suggestion is made. */
const MAX_LISTED_FIELDS = 16;

export interface IssueContext {
  /** How the file is named in messages, e.g. `wrangler.toml`. */
  fileLabel: string;
  schema: z.ZodType;
  locate(path: ConfigPath): TextPosition | undefined;
}

/**
 * One line per problem, e.g. `wrangler.toml:3:1: trigers: unknown field; did you mean "triggers"?`.
 *
 * @example
 * describeIssues(result.error.issues, { fileLabel: "skiff.jsonc", schema, locate });
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[], context: IssueContext): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      const known = fieldNamesAt(context.schema, issue.path);
      const parent = issue.path as ConfigPath;
      for (const key of issue.keys) lines.push(unknownField([...parent, key], key, known, context));
      continue;
    }
    // Config files hold no symbol keys, so every path part is a string or an index.
    const path = issue.path as ConfigPath;
    lines.push(`${where(context, path)}${formatPath(path)}: ${describeMessage(issue)}`);
  }
  return lines;
}

function unknownField(path: ConfigPath, key: string, known: string[], context: IssueContext): string {
  const suggestion = closestName(key, known);
  const parent = path.slice(0, -1);
  const scope = parent.length === 0 ? "" : ` in ${formatPath(parent)}`;
  let advice: string;
  if (suggestion !== undefined) advice = `did you mean "${suggestion}"?`;
  else if (known.length > 0 && known.length <= MAX_LISTED_FIELDS)
    advice = `the fields${scope} are ${known.join(", ")}`;
  else advice = "remove it, or check the spelling against the documentation";
  return `${where(context, path)}${formatPath(path)}: unknown field${scope}; ${advice}`;
}

function where(context: IssueContext, path: ConfigPath): string {
  const position = context.locate(path);
  return position === undefined
    ? `${context.fileLabel}: `
    : `${context.fileLabel}:${position.line}:${position.column}: `;
}

/** `triggers.crons[0]`, or `(top level)` for the file itself. */
export function formatPath(path: ConfigPath): string {
  if (path.length === 0) return "(top level)";
  return path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join("");
}

function describeMessage(issue: z.core.$ZodIssue): string {
  // zod's own words for a missing field read "expected string, received undefined".
  if (issue.code === "invalid_type" && /received undefined$/.test(issue.message)) {
    return `missing; expected a ${issue.expected}`;
  }
  return issue.message.replace(/^Invalid input: /, "");
}

/** The field names the object schema at `path` (object members and array items followed) accepts. */
export function fieldNamesAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: SchemaDef[] = [defOf(schema)];
  for (const part of path) {
    current = current.flatMap((def) => unwrap(def)).flatMap((def) => childDefs(def, part));
  }
  const names = current
    .flatMap((def) => unwrap(def))
    .flatMap((def) => (def.type === "object" && def.shape ? Object.keys(def.shape) : []));
  return [...new Set(names)];
}

/** The parts of zod's schema definitions this walk reads (zod 4 `schema._zod.def`). */
interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
}

function defOf(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

/** Wrappers that do not change which fields an object has: optional, default, unions, pipes. */
function unwrap(def: SchemaDef): SchemaDef[] {
  if (def.innerType !== undefined) return unwrap(defOf(def.innerType));
  if (def.type === "union" && def.options) return def.options.flatMap((option) => unwrap(defOf(option)));
  if (def.type === "pipe" && def.in !== undefined) return unwrap(defOf(def.in));
  return [def];
}

function childDefs(def: SchemaDef, part: PropertyKey): SchemaDef[] {
  if (def.type === "object" && def.shape) {
    const child = def.shape[String(part)];
    return child === undefined ? [] : [defOf(child)];
  }
  if (def.type === "array" && def.element && typeof part === "number") return [defOf(def.element)];
  if (def.type === "record" && def.valueType) return [defOf(def.valueType)];
  return [];
}
