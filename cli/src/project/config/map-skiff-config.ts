// `skiff.jsonc` → deploy settings: the top level, with the chosen environment's fields laid over it.
import type { FunctionConfigInput } from "@skiff/core";
import { missingEnvironment } from "./missing-environment.js";
import type { DeploySettings } from "./project-config.js";
import type { SkiffConfigFile } from "./skiff-config-schema.js";

/**
 * Each field an environment gives replaces the top-level one (objects and lists are not merged), so what an
 * environment deploys can be read off its own section and the top level.
 *
 * @example
 * mapSkiffConfig({ name: "api", memoryMb: 64, env: { big: { memoryMb: 512 } } }, "big", "skiff.jsonc");
 * // → { name: "api", config: { memoryMb: 512 }, notes: [] }
 */
export function mapSkiffConfig(
  file: SkiffConfigFile,
  env: string | undefined,
  fileLabel: string,
): DeploySettings {
  const { $schema: _schema, env: environments, ...top } = file;
  let fields = top;
  if (env !== undefined) {
    const section = environments?.[env];
    if (section === undefined) throw missingEnvironment(env, Object.keys(environments ?? {}), fileLabel);
    fields = { ...top, ...section };
  }
  const { name, main, ...config } = fields;
  const settings: DeploySettings = { config: config as FunctionConfigInput, notes: [] };
  if (name !== undefined) settings.name = name;
  if (main !== undefined) settings.main = main;
  return settings;
}
