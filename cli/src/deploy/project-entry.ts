// Which file of a project directory is the function's entry module.
import { readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { CliError } from "../cli-error.js";

/** Tried in order when neither `--main` nor package.json names the entry. */
export const ENTRY_CANDIDATES = [
  "index.ts",
  "index.js",
  "index.mjs",
  "src/index.ts",
  "src/index.js",
  "src/index.mjs",
  "worker.ts",
  "worker.js",
  "src/worker.ts",
  "src/worker.js",
];

export interface PackageInfo {
  name?: string;
  main?: string;
  module?: string;
}

/** The project's package.json fields that matter here, or an empty object if it has none. */
export async function readPackageInfo(dir: string): Promise<PackageInfo> {
  let text: string;
  try {
    text = await readFile(join(dir, "package.json"), "utf8");
  } catch {
    return {};
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${join(dir, "package.json")} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof json !== "object" || json === null) return {};
  const info: PackageInfo = {};
  for (const field of ["name", "main", "module"] as const) {
    const value = (json as Record<string, unknown>)[field];
    if (typeof value === "string" && value !== "") info[field] = value;
  }
  return info;
}

/**
 * The absolute path of the entry module of the project in `dir`: `main` (the --main option) if given, else
 * package.json's `main`, then `module`, else the first of {@link ENTRY_CANDIDATES} that exists.
 */
export async function findProjectEntry(dir: string, main: string | undefined): Promise<string> {
  if (main !== undefined) {
    const path = resolve(dir, main);
    if (!(await isFile(path))) {
      throw new CliError(
        `--main ${main}: no such file in ${dir}`,
        "give the entry module's path, relative to the project",
      );
    }
    return path;
  }
  const info = await readPackageInfo(dir);
  for (const field of ["main", "module"] as const) {
    const named = info[field];
    if (named === undefined) continue;
    const path = resolve(dir, named);
    if (await isFile(path)) return path;
    throw new CliError(
      `package.json names ${JSON.stringify(named)} as ${field}, but there is no such file`,
      "fix package.json, or pass --main <file>",
    );
  }
  for (const candidate of ENTRY_CANDIDATES) {
    const path = join(dir, candidate);
    if (await isFile(path)) return path;
  }
  throw new CliError(
    `no entry module in ${dir}`,
    'pass --main <file>, set "main" in package.json, or add index.ts / index.js',
  );
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
