// Starts the real `skiff serve` as a child process on a free port with a temporary data dir, as a person would.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const CLI_MAIN = join(REPO_ROOT, "cli", "dist", "main.js");

const LISTENING = /^Skiff listening on (http:\/\/\S+)$/m;
const START_DEADLINE_MS = 60_000;
const STOP_DEADLINE_MS = 20_000;

export interface SkiffServer {
  /** e.g. `http://127.0.0.1:41234`, parsed from the server's own output. */
  url: string;
  dataDir: string;
  /** The operator key given as SKIFF_ADMIN_TOKEN (undefined when started without one). */
  adminToken: string | undefined;
  /** The default tenant's key, read from `<dataDir>/default.key`. */
  defaultKey: string;
  /** Everything the server wrote so far. */
  stdout(): string;
  stderr(): string;
  /** SIGTERM, then wait for the exit; returns the exit code (null if it had to be killed). */
  stop(): Promise<number | null>;
  /**
   * Sends `signal` (SIGKILL: a crash) and waits for the exit, without the SIGKILL fallback of `stop()`; the data
   * dir is cleaned up as by `stop()`. Returns how the process ended.
   */
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /**
   * Sends `signal` to the server's whole process group, its runtime workers included, as a terminal's Ctrl-C
   * does. Only for a server started with `ownProcessGroup`: the group would otherwise be the test runner's.
   */
  signalGroup(signal: NodeJS.Signals): void;
  /** Waits for the server to exit by itself (after `signalGroup`), then cleans up as `stop()` does. */
  exited(): Promise<number | null>;
}

export interface StartOptions {
  /** Reuse a data dir (a restart); default: a new temp dir, removed by `stop()`. */
  dataDir?: string;
  /** Default: a random token; `null` starts without SKIFF_ADMIN_TOKEN. */
  adminToken?: string | null;
  examples?: boolean;
  /** Keep the data dir after stop (for restart tests). */
  keepDataDir?: boolean;
  /** Extra environment for the server (e.g. SKIFF_EGRESS_ALLOW). */
  env?: Record<string, string>;
  /** Start the server as the leader of its own process group (see `signalGroup`). */
  ownProcessGroup?: boolean;
}

/**
 * @example
 * const server = await startSkiff();
 * try { … } finally { await server.stop(); }
 */
export async function startSkiff(options: StartOptions = {}): Promise<SkiffServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "skiff-e2e-")));
  const adminToken =
    options.adminToken === null
      ? undefined
      : (options.adminToken ?? `sk_admin_${randomBytes(16).toString("hex")}`);
  const env: NodeJS.ProcessEnv = { ...process.env, SKIFF_LOG_LEVEL: "warn" };
  delete env.SKIFF_ADMIN_TOKEN;
  delete env.SKIFF_DATA_DIR;
  if (adminToken !== undefined) env.SKIFF_ADMIN_TOKEN = adminToken;
  Object.assign(env, options.env);

  const args = ["--no-node-snapshot", CLI_MAIN, "serve", "--port", "0", "--data-dir", dataDir];
  if (options.examples) args.push("--examples");
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.ownProcessGroup === true,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const exited = ended.then(({ code }) => code);

  const cleanup = async () => {
    if (!options.keepDataDir && options.dataDir === undefined)
      await rm(dataDir, { recursive: true, force: true });
  };

  let url: string;
  try {
    url = await waitForListening(
      child,
      exited,
      () => stdout,
      () => stderr,
    );
  } catch (error) {
    child.kill("SIGKILL");
    await exited;
    await cleanup();
    throw error;
  }

  let stopping: Promise<number | null> | undefined;
  return {
    url,
    dataDir,
    adminToken,
    defaultKey: (await readFile(join(dataDir, "default.key"), "utf8")).trim(),
    stdout: () => stdout,
    stderr: () => stderr,
    stop: () => {
      stopping ??= (async () => {
        const code = await stopChild(child, exited);
        await cleanup();
        return code;
      })();
      return stopping;
    },
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const end = await ended;
      await cleanup();
      return end;
    },
    signalGroup: (signal) => {
      if (options.ownProcessGroup !== true || child.pid === undefined)
        throw new Error("signalGroup needs a server started with ownProcessGroup");
      // A negative pid names the process group whose leader the server is.
      process.kill(-child.pid, signal);
    },
    exited: async () => {
      const code = await exited;
      await cleanup();
      return code;
    },
  };
}

function waitForListening(
  child: ChildProcess,
  exited: Promise<number | null>,
  stdout: () => string,
  stderr: () => string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const describe = () => `\n--- stdout\n${stdout()}\n--- stderr\n${stderr()}`;
    const timer = setTimeout(() => {
      reject(
        new Error(`skiff serve did not print its listening line within ${START_DEADLINE_MS} ms${describe()}`),
      );
    }, START_DEADLINE_MS);
    const check = () => {
      const match = LISTENING.exec(stdout());
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        child.stdout?.off("data", check);
        resolve(match[1]);
      }
    };
    child.stdout?.on("data", check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`skiff serve exited with code ${code} before listening${describe()}`));
    });
  });
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_DEADLINE_MS);
  const code = await exited;
  clearTimeout(timer);
  return code;
}
