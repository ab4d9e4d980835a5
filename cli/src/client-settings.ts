// Where the CLI finds the server and its key: SKIFF_URL and SKIFF_TOKEN, else the key `skiff serve` wrote.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { CliError } from "./cli-error.js";

export const DEFAULT_URL = "http://127.0.0.1:8787";
export const DEFAULT_DATA_DIR = ".skiff";

export interface ClientSettings {
  url: string;
  token: string | undefined;
  /** Where the token came from, for error hints. */
  tokenSource: string;
}

/**
 * Reads `SKIFF_URL` (default {@link DEFAULT_URL}) and `SKIFF_TOKEN`; without a token, the default tenant's key
 * that `skiff serve` writes to `<data dir>/default.key` (data dir `SKIFF_DATA_DIR` or `./.skiff`).
 */
export async function resolveClientSettings(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
  overrides: { url?: string | undefined } = {},
): Promise<ClientSettings> {
  const url = overrides.url ?? env.SKIFF_URL ?? DEFAULT_URL;
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new CliError(
      `the server address ${JSON.stringify(url)} is not an http(s) URL`,
      `set SKIFF_URL (or --url) to the address skiff serve prints, e.g. ${DEFAULT_URL}`,
    );
  }
  const envToken = env.SKIFF_TOKEN?.trim();
  if (envToken) return { url, token: envToken, tokenSource: "SKIFF_TOKEN" };

  const keyFile = resolve(cwd, env.SKIFF_DATA_DIR ?? DEFAULT_DATA_DIR, "default.key");
  const fileToken = await readKeyFile(keyFile);
  if (fileToken) return { url, token: fileToken, tokenSource: keyFile };
  return { url, token: undefined, tokenSource: "none (SKIFF_TOKEN unset and no key file)" };
}

async function readKeyFile(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, "utf8")).trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CliError(
      `cannot read the key file ${path}: ${(error as Error).message}`,
      "set SKIFF_TOKEN instead",
    );
  }
}
