// `skiff init`: writes a new project's files, never over files that are already there.
import { mkdir, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isValidName } from "@skiff/core";
import { CliError } from "../../cli-error.js";
import { SCHEMA_FILE } from "../config/json-schema.js";
import { type TemplateName, templateFiles } from "./templates.js";

/** This CLI's copy of the skiff.jsonc schema (this file runs from cli/dist/project/init/ or cli/src/project/init/). */
export const SCHEMA_PATH = fileURLToPath(new URL(`../../../${SCHEMA_FILE}`, import.meta.url));

export interface ScaffoldOptions {
  dir: string;
  template: TemplateName;
  /** Default: the folder's name, made into a valid function name. */
  name?: string | undefined;
  /** Replace files that exist. */
  force?: boolean;
}

export interface ScaffoldResult {
  dir: string;
  name: string;
  template: TemplateName;
  /** The files written, relative to `dir`. */
  files: string[];
}

/**
 * @example
 * await scaffoldProject({ dir: "/work/hello", template: "workers" });
 * // → { dir: "/work/hello", name: "hello", template: "workers", files: ["skiff.jsonc", "src/index.ts", ".gitignore"] }
 */
export async function scaffoldProject(options: ScaffoldOptions): Promise<ScaffoldResult> {
  const dir = resolve(options.dir);
  const name = options.name ?? functionNameFor(basename(dir));
  if (!isValidName(name)) {
    throw new CliError(
      `${JSON.stringify(name)} is not a valid function name`,
      "pass --name <name> with 1-63 characters of a-z, 0-9 and '-', not starting or ending with '-'",
    );
  }
  // A relative $schema keeps working when the folders move together; editors resolve it against the file.
  const schemaPath = relative(dir, SCHEMA_PATH).split("\\").join("/");
  const files = templateFiles(options.template, { name, schemaPath });
  if (!options.force) {
    const existing: string[] = [];
    for (const path of Object.keys(files)) if (await exists(join(dir, path))) existing.push(path);
    if (existing.length > 0) {
      throw new CliError(
        `${relative(process.cwd(), dir) || "this folder"} already has ${existing.join(", ")}`,
        "choose another folder, or pass --force to replace these files",
      );
    }
  }
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return { dir, name, template: options.template, files: Object.keys(files) };
}

/** "My Worker_2" → "my-worker-2": lowercase, runs of other characters as one '-', trimmed to 63. */
export function functionNameFor(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, 63)
    .replace(/^-+|-+$/g, "");
  return name === "" ? "my-function" : name;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
