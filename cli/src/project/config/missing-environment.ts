// The error for `--env <name>` when the config file has no such environment.
import { CliError } from "../../cli-error.js";

export function missingEnvironment(env: string, known: string[], fileLabel: string): CliError {
  return new CliError(
    `${fileLabel} has no environment ${JSON.stringify(env)}`,
    known.length === 0
      ? `add ${fileLabel.endsWith(".toml") ? `an [env.${env}] table` : `"env": { "${env}": { … } }`} to ${fileLabel}, or drop --env`
      : `its environments are ${known.join(", ")}; pass one of them to --env`,
  );
}
