// Runs the real `skiff` command as a child process against a running server, as a person would type it.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT, type SkiffServer } from "./skiff-server.js";

export const SKIFF_BIN = join(REPO_ROOT, "cli", "bin", "skiff.js");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `skiff <args>` in `cwd` with the server's address and the default tenant's key; `env` entries that are
 * undefined are removed from the environment.
 */
export function runSkiff(
  server: SkiffServer,
  args: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, SKIFF_URL: server.url, SKIFF_TOKEN: server.defaultKey };
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [SKIFF_BIN, ...args],
      { cwd: options.cwd ?? REPO_ROOT, env },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
