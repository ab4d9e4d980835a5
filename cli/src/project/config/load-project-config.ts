// Finds a project's config file (skiff.jsonc first, then wrangler's), reads it, checks it against its schema and
// maps it onto Skiff's function config: the one entry point `skiff deploy` and `skiff dev` use.
import { readFile, stat } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { type FunctionConfigInput, functionConfigInputSchema } from "@skiff/core";
import type { z } from "zod";
import { CliError } from "../../cli-error.js";
import { describeIssues } from "./config-issues.js";
import { mapSkiffConfig } from "./map-skiff-config.js";
import { mapWranglerConfig } from "./map-wrangler-config.js";
import { parseConfigText } from "./parse-config-text.js";
import type { ConfigFormat, DeploySettings, ProjectConfig } from "./project-config.js";
import { skiffConfigSchema } from "./skiff-config-schema.js";
import { wranglerConfigSchema } from "./wrangler-config-schema.js";

/** Looked for in this order; the first that exists is read. */
export const CONFIG_FILE_NAMES = [
  "skiff.jsonc",
  "skiff.json",
  "wrangler.jsonc",
  "wrangler.json",
  "wrangler.toml",
] as const;

/** Files larger than this are not config files. */
const MAX_CONFIG_BYTES = 1024 * 1024;
/** Problems listed in one error; the rest are counted. */
const MAX_LISTED_PROBLEMS = 10;

export interface LoadOptions {
  /** `--env <name>`: the environment section to deploy. */
  env?: string | undefined;
  /** How file paths are shown in messages: relative to this folder (the working directory). */
  cwd?: string;
}

/** The config file in `dir`, or undefined when it has none; also any other config files there, passed over. */
export async function findConfigFile(
  dir: string,
): Promise<{ file: string; passedOver: string[] } | undefined> {
  const present: string[] = [];
  for (const name of CONFIG_FILE_NAMES) {
    if (await isFile(join(dir, name))) present.push(join(dir, name));
  }
  const [file, ...passedOver] = present;
  return file === undefined ? undefined : { file, passedOver };
}

/**
 * The project config in `dir`, or undefined when it has no config file.
 *
 * @example
 * const project = await findProjectConfig(process.cwd(), { env: "staging" });
 * if (project) console.log(project.name, project.main, project.config);
 */
export async function findProjectConfig(
  dir: string,
  options: LoadOptions = {},
): Promise<ProjectConfig | undefined> {
  const found = await findConfigFile(dir);
  if (found === undefined) return undefined;
  const project = await loadProjectConfig(found.file, options);
  for (const other of found.passedOver) {
    project.notes.push(`${basename(other)}: not read (${basename(found.file)} comes first)`);
  }
  return project;
}

/** Reads one config file; its format follows its name (`wrangler.*` or `*.toml`: wrangler's fields). */
export async function loadProjectConfig(file: string, options: LoadOptions = {}): Promise<ProjectConfig> {
  const path = resolve(file);
  const label = relative(options.cwd ?? process.cwd(), path) || basename(path);
  const text = await readConfigText(path, label);
  const format = configFormat(path);
  const parsed = parseConfigText(text, label);
  const schema: z.ZodType = format === "wrangler" ? wranglerConfigSchema : skiffConfigSchema;
  const checked = schema.safeParse(parsed.value);
  if (!checked.success) {
    throw invalidConfig(
      label,
      describeIssues(checked.error.issues, { fileLabel: label, schema, locate: parsed.locate }),
    );
  }
  const settings: DeploySettings =
    format === "wrangler"
      ? mapWranglerConfig(checked.data as z.infer<typeof wranglerConfigSchema>, options.env, label)
      : mapSkiffConfig(checked.data as z.infer<typeof skiffConfigSchema>, options.env, label);
  settings.config = checkMapped(settings.config, label);
  const project: ProjectConfig = { ...settings, file: path, format, dir: dirname(path) };
  if (options.env !== undefined) project.env = options.env;
  return project;
}

function configFormat(path: string): ConfigFormat {
  const name = basename(path).toLowerCase();
  return name.startsWith("wrangler") || name.endsWith(".toml") ? "wrangler" : "skiff";
}

/** What wrangler's fields became must also pass Skiff's own rules (unique binding names, limits). */
function checkMapped(config: FunctionConfigInput, label: string): FunctionConfigInput {
  const checked = functionConfigInputSchema.safeParse(config);
  if (checked.success) return checked.data;
  const lines = describeIssues(checked.error.issues, {
    fileLabel: `${label} (as Skiff config)`,
    schema: functionConfigInputSchema,
    locate: () => undefined,
  });
  throw invalidConfig(label, lines);
}

function invalidConfig(label: string, lines: string[]): CliError {
  const shown = lines.slice(0, MAX_LISTED_PROBLEMS);
  const more = lines.length > shown.length ? `\n  … and ${lines.length - shown.length} more` : "";
  const problems = lines.length === 1 ? "a problem" : `${lines.length} problems`;
  return new CliError(
    `${label} has ${problems}:\n  ${shown.join("\n  ")}${more}`,
    `fix the field${lines.length === 1 ? "" : "s"} named above in ${label}`,
  );
}

async function readConfigText(path: string, label: string): Promise<string> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new CliError(`cannot read ${label}: no such file`, "check the path given to --config");
    }
    throw error;
  }
  if (size > MAX_CONFIG_BYTES) {
    throw new CliError(`${label} is ${size} bytes; a config file is at most 1 MB`, "is this the right file?");
  }
  return readFile(path, "utf8");
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
