// Reads a config file's text as JSON with comments or TOML, with syntax errors at their line and column, and a
// way to find where a field was written so later messages can point at it.
import { findNodeAtLocation, type Node, type ParseError, parseTree, printParseErrorCode } from "jsonc-parser";
import { parse as parseToml, TomlError } from "smol-toml";
import { CliError } from "../../cli-error.js";

export type ConfigPath = ReadonlyArray<string | number>;

/** A place in the file, 1-based. */
export interface TextPosition {
  line: number;
  column: number;
}

export interface ParsedConfigText {
  value: unknown;
  /** Where the field at `path` was written (its key for an object member), if the syntax can tell. */
  locate(path: ConfigPath): TextPosition | undefined;
}

/**
 * Parses `text` as TOML when `fileName` ends in `.toml`, else as JSON with comments and trailing commas (JSONC, as
 * wrangler and VS Code read `.json` config files too).
 *
 * @example
 * parseConfigText('name = "api"\nmain = "src/index.ts"', "wrangler.toml").value; // { name: "api", main: … }
 */
export function parseConfigText(text: string, fileName: string): ParsedConfigText {
  return fileName.toLowerCase().endsWith(".toml")
    ? parseTomlText(text, fileName)
    : parseJsoncText(text, fileName);
}

function parseTomlText(text: string, fileName: string): ParsedConfigText {
  try {
    // smol-toml makes objects without a prototype and keeps a `__proto__` key as a key, which the schema refuses.
    return { value: toPlain(parseToml(text)), locate: () => undefined };
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const reason = error.message.split("\n")[0]?.replace(/^Invalid TOML document: /, "") ?? "invalid TOML";
    throw new CliError(
      `${fileName}:${error.line}:${error.column}: ${reason}`,
      "fix the TOML syntax at the place shown (strings need quotes, tables are [name])",
    );
  }
}

function parseJsoncText(text: string, fileName: string): ParsedConfigText {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first !== undefined || root === undefined) {
    const where = first === undefined ? { line: 1, column: 1 } : positionAt(text, first.offset);
    const reason = first === undefined ? "empty file" : describeJsonError(printParseErrorCode(first.error));
    throw new CliError(
      `${fileName}:${where.line}:${where.column}: ${reason}`,
      "fix the JSON syntax at the place shown (comments and trailing commas are allowed)",
    );
  }
  return {
    value: nodeValue(root),
    locate(path) {
      const node = findNodeAtLocation(root, [...path]);
      if (node === undefined) return undefined;
      // A member's key is where a person looks for the field, not its value.
      const at = node.parent?.type === "property" ? node.parent : node;
      return positionAt(text, at.offset);
    },
  };
}

/** The value of a parse-tree node; keys become own properties, so `"__proto__"` stays a key and sets nothing. */
function nodeValue(node: Node): unknown {
  switch (node.type) {
    case "object": {
      const object: Record<string, unknown> = {};
      for (const property of node.children ?? []) {
        const [key, value] = property.children ?? [];
        if (key === undefined || value === undefined) continue;
        Object.defineProperty(object, String(key.value), {
          value: nodeValue(value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return object;
    }
    case "array":
      return (node.children ?? []).map(nodeValue);
    default:
      return node.value;
  }
}

/** TOML tables as ordinary objects (own keys only), dates as their ISO text; everything else as it is. */
function toPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toPlain);
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== "object" || value === null) return value;
  const object: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    Object.defineProperty(object, key, {
      value: toPlain(child),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return object;
}

function positionAt(text: string, offset: number): TextPosition {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

function describeJsonError(code: string): string {
  // "PropertyNameExpected" → "property name expected"
  return code.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}
