// What `skiff deploy` will upload, under which name and with which config: from the command line, a project's
// config file (skiff.jsonc, wrangler.toml …), or both, the command line winning.
import { stat } from "node:fs/promises";
import { relative, resolve } from "node:path";
import type { FunctionConfigInput } from "@skiff/core";
import { CliError } from "../cli-error.js";
import type { Progress } from "../progress.js";
import {
  CONFIG_FILE_NAMES,
  findProjectConfig,
  loadProjectConfig,
} from "../project/config/load-project-config.js";
import type { ProjectConfig } from "../project/config/project-config.js";
import { type PreparedUpload, prepareUpload } from "./prepare-upload.js";

export interface DeployPlanInput {
  cwd: string;
  /** `<file-or-dir>`; absent: the project in the working directory, which must have a config file. */
  target: string | undefined;
  /** `--main`. */
  main: string | undefined;
  /** `--config <file>`. */
  configFile: string | undefined;
  /** `--env <name>`. */
  env: string | undefined;
  /** `--name`. */
  name: string | undefined;
  /** Config from options (--memory, --var …): laid over the file's; vars are merged, the options' winning. */
  options: FunctionConfigInput;
  progress: Progress;
}

export interface DeployPlan {
  prepared: PreparedUpload;
  name: string;
  config: FunctionConfigInput;
  /** The config file read, if any. */
  project: ProjectConfig | undefined;
}

/**
 * @example
 * const plan = await planDeploy({ cwd, target: undefined, main: undefined, configFile: undefined, env: "staging",
 *   name: undefined, options: {}, progress });
 */
export async function planDeploy(input: DeployPlanInput): Promise<DeployPlan> {
  const project = await readProject(input);
  let prepared: PreparedUpload;
  if (project === undefined) {
    const target = input.target as string;
    prepared = await input.progress.run(`Bundling ${target}`, () =>
      prepareUpload(input.cwd, target, input.main),
    );
  } else if (input.target !== undefined && !(await isDirectory(resolve(input.cwd, input.target)))) {
    // `skiff deploy src/worker.ts --config wrangler.toml`: this module, that file's settings.
    const target = input.target;
    prepared = await input.progress.run(`Bundling ${target}`, () =>
      prepareUpload(input.cwd, target, input.main),
    );
  } else {
    const main = input.main ?? project.main;
    if (input.main === undefined && project.main !== undefined) await checkConfiguredMain(project, input.cwd);
    const label = relative(input.cwd, project.dir) || ".";
    prepared = await input.progress.run(`Bundling ${main ?? label}`, () =>
      prepareUpload(project.dir, ".", main),
    );
  }

  const fileConfig = project?.config ?? {};
  const config: FunctionConfigInput = { ...fileConfig, ...input.options };
  if (fileConfig.vars !== undefined || input.options.vars !== undefined) {
    config.vars = { ...fileConfig.vars, ...input.options.vars };
  }
  return { prepared, name: input.name ?? project?.name ?? prepared.defaultName, config, project };
}

async function readProject(input: DeployPlanInput): Promise<ProjectConfig | undefined> {
  const options = { env: input.env, cwd: input.cwd };
  if (input.configFile !== undefined) return loadProjectConfig(resolve(input.cwd, input.configFile), options);
  if (input.target === undefined) {
    const project = await findProjectConfig(input.cwd, options);
    if (project === undefined) {
      throw new CliError(
        `nothing to deploy: no file given, and no ${CONFIG_FILE_NAMES.join(", ")} in ${input.cwd}`,
        "pass the module or project folder (skiff deploy src/index.ts), or create a project with `skiff init`",
      );
    }
    return project;
  }
  const dir = resolve(input.cwd, input.target);
  const project = (await isDirectory(dir)) ? await findProjectConfig(dir, options) : undefined;
  if (project === undefined && input.env !== undefined) {
    throw new CliError(
      `--env ${input.env} needs a config file, and there is none for ${input.target}`,
      `add a skiff.jsonc or wrangler.toml with an "${input.env}" environment, or pass --config <file>`,
    );
  }
  return project;
}

/** Refuses a `main` the config file names but the project lacks, pointing at the file to fix. */
export async function checkConfiguredMain(project: ProjectConfig, cwd: string): Promise<void> {
  const main = project.main;
  if (main === undefined) return;
  try {
    if ((await stat(resolve(project.dir, main))).isFile()) return;
  } catch {
    // Reported below.
  }
  const file = relative(cwd, project.file) || project.file;
  throw new CliError(
    `${file} names ${JSON.stringify(main)} as main, but there is no such file in ${relative(cwd, project.dir) || "."}`,
    `fix "main" in ${file} (it is relative to that file), or pass --main <file>`,
  );
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
