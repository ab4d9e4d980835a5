// `.dev.vars` (wrangler's file of local secrets, dotenv syntax): `skiff dev` deploys them as the function's
// secrets, so a Workers project's local setup keeps working and real secrets stay out of skiff.jsonc.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { isValidBindingName } from "@skiff/core";
import { CliError } from "../../cli-error.js";

export const DEV_VARS_FILE = ".dev.vars";

/** The secrets in `<dir>/.dev.vars`, or none when there is no such file. */
export async function readDevVars(dir: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(join(dir, DEV_VARS_FILE), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
  return parseDevVars(text);
}

/**
 * `NAME=value` lines; `#` starts a comment line; a value may be in single or double quotes (double quotes
 * understand `\n`); `export ` before a name is allowed, as in shell files.
 *
 * @example
 * parseDevVars('API_KEY="abc"\n# local only\nexport DEBUG=1\n'); // { API_KEY: "abc", DEBUG: "1" }
 */
export function parseDevVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const match = /^(?:export\s+)?([^=\s]+)\s*=\s*(.*)$/.exec(line);
    const name = match?.[1];
    if (match === null || name === undefined || !isValidBindingName(name)) {
      throw new CliError(
        `${DEV_VARS_FILE}:${index + 1}: expected NAME=value, got ${JSON.stringify(line)}`,
        "names are letters, digits and '_', not starting with a digit",
      );
    }
    Object.defineProperty(vars, name, {
      value: unquote(match[2] ?? ""),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  });
  return vars;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\n/g, "\n").replace(/\\"/g, '"');
  }
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1);
  return value.replace(/\s+#.*$/, "");
}
