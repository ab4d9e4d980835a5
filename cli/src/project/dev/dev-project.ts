// Which function `skiff dev` runs: the entry module, name and config of the project in a folder, with or
// without a config file.
import { basename, relative } from "node:path";
import { type FunctionConfigInput, isValidName } from "@skiff/core";
import { CliError } from "../../cli-error.js";
import { checkConfiguredMain } from "../../deploy/deploy-plan.js";
import { findProjectEntry, readPackageInfo } from "../../deploy/project-entry.js";
import { findProjectConfig, loadProjectConfig } from "../config/load-project-config.js";
import { functionNameFor } from "../init/scaffold-project.js";

export interface DevProject {
  /** The project folder: the config file's, else the one given. */
  dir: string;
  name: string;
  /** Absolute path of the entry module. */
  entry: string;
  config: FunctionConfigInput;
  /** The config file read, if any. */
  file: string | undefined;
  notes: string[];
}

export interface DevProjectOptions {
  dir: string;
  cwd: string;
  env: string | undefined;
  configFile: string | undefined;
}

/** Reads the project each time it is called: `skiff dev` calls it again when the config file changes. */
export async function resolveDevProject(options: DevProjectOptions): Promise<DevProject> {
  const load = { env: options.env, cwd: options.cwd };
  const project =
    options.configFile === undefined
      ? await findProjectConfig(options.dir, load)
      : await loadProjectConfig(options.configFile, load);
  if (project === undefined && options.env !== undefined) {
    throw new CliError(
      `--env ${options.env} needs a config file, and ${relative(options.cwd, options.dir) || "this folder"} has none`,
      "add a skiff.jsonc (`skiff init` writes one) or a wrangler.toml, or drop --env",
    );
  }
  const dir = project?.dir ?? options.dir;
  if (project !== undefined) await checkConfiguredMain(project, options.cwd);
  const entry = await findProjectEntry(dir, project?.main);
  const packageName = (await readPackageInfo(dir)).name?.replace(/^@[^/]+\//, "");
  const name = project?.name ?? packageName ?? functionNameFor(basename(dir));
  if (!isValidName(name)) {
    throw new CliError(
      `${JSON.stringify(name)} is not a valid function name`,
      "set \"name\" in skiff.jsonc to 1-63 characters of a-z, 0-9 and '-'",
    );
  }
  return {
    dir,
    name,
    entry,
    config: project?.config ?? {},
    file: project?.file,
    notes: project?.notes ?? [],
  };
}
