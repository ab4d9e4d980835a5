// `--secret NAME=VALUE` options, repeated; values are sent once and never printed.
import { isValidBindingName } from "@skiff/core";
import { CliError } from "../cli-error.js";

/** Parses repeated `--secret NAME=VALUE` (the value may contain '='); a message never shows a value. */
export function parseSecretOptions(pairs: string[]): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    const name = eq < 0 ? pair : pair.slice(0, eq);
    if (eq <= 0) {
      throw new CliError(
        `--secret expects NAME=VALUE, got ${eq < 0 ? "no '='" : "an empty name"}`,
        'e.g. --secret API_TOKEN=…; read it from a file with --secret API_TOKEN="$(cat token.txt)"',
      );
    }
    if (!isValidBindingName(name)) {
      throw new CliError(
        `--secret ${JSON.stringify(name)} is not a valid secret name`,
        "names are letters, digits and '_', not starting with a digit",
      );
    }
    secrets[name] = pair.slice(eq + 1);
  }
  return secrets;
}
