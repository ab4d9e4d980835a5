// Which kind of module a path is, from its extension, as Workers' module rules decide it.
import type { ModuleType } from "@skiff/core";

/** How an uploaded module becomes a stored one: its stored type and, for TypeScript, the esbuild loader. */
export interface ModuleKind {
  type: ModuleType;
  /** Set for sources that are transformed to ES modules at deploy. */
  typescript?: "ts" | "tsx";
}

const KINDS: Record<string, ModuleKind> = {
  ".js": { type: "esm" },
  ".mjs": { type: "esm" },
  ".cjs": { type: "commonjs" },
  ".ts": { type: "esm", typescript: "ts" },
  ".mts": { type: "esm", typescript: "ts" },
  ".tsx": { type: "esm", typescript: "tsx" },
  ".json": { type: "json" },
  ".wasm": { type: "wasm" },
  ".txt": { type: "text" },
  ".html": { type: "text" },
};

export const SUPPORTED_EXTENSIONS = Object.keys(KINDS);

/** The kind of module at `path`, or undefined for an extension Skiff does not load. */
export function moduleKindOf(path: string): ModuleKind | undefined {
  const dot = path.lastIndexOf(".");
  if (dot <= path.lastIndexOf("/")) return undefined;
  return KINDS[path.slice(dot).toLowerCase()];
}

/** True for modules that hold code and may import others. */
export function isCodeType(type: ModuleType): boolean {
  return type === "esm" || type === "commonjs";
}
