// What a project's config file says, in Skiff's terms, whichever file it came from.
import type { FunctionConfigInput } from "@skiff/core";

export type ConfigFormat = "skiff" | "wrangler";

/** The part of a config file a deploy uses, after choosing an environment. */
export interface DeploySettings {
  /** The function's name, if the file gives one. */
  name?: string;
  /** The entry module, relative to the file's folder. */
  main?: string;
  config: FunctionConfigInput;
  /** Fields that were accepted but change nothing on Skiff, each with why: shown to the person. */
  notes: string[];
}

export interface ProjectConfig extends DeploySettings {
  /** Absolute path of the file read. */
  file: string;
  format: ConfigFormat;
  /** The folder holding the file; `main` is relative to it. */
  dir: string;
  /** The environment chosen with `--env`, if any. */
  env?: string;
}
