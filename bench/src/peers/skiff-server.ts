// Skiff as a person runs it: the real CLI (`skiff serve --json`) in a child process, its URL taken from its own
// JSON startup events and its tenant key from the data dir.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ManagedChild, startChild } from "../child.js";
import { CLI_MAIN, REPO_ROOT } from "../paths.js";
import { waitUntilReady } from "../wait-ready.js";
import { SkiffAdmin } from "./skiff-admin.js";

const START_DEADLINE_MS = 60_000;

export interface SkiffServer {
  url: string;
  /** The direct data plane's URL, when the server was started with SKIFF_DATA_PLANE_PORT. */
  dataPlaneUrl?: string;
  dataDir: string;
  /** The default tenant's API key. */
  key: string;
  /** The operator key (`<dataDir>/admin.key`): for operator-only calls such as quotas. */
  operatorKey: string;
  pid: number;
  admin: SkiffAdmin;
  child: ManagedChild;
  /** SIGTERM and wait; the data dir stays (restarts reuse it) unless the server created it and `keep` is false. */
  stop(options?: { keepDataDir?: boolean }): Promise<void>;
}

export interface SkiffStartOptions {
  /** Reuse a data dir (a restart); default: a new temp dir. */
  dataDir?: string;
  /** Extra environment: isolate cache bounds, NODE_OPTIONS for profiling, … */
  env?: Record<string, string>;
}

/** Parses `skiff serve --json` startup lines; returns the listening URL once it has been printed. */
export function listeningUrl(stdout: string): string | undefined {
  return startupUrl(stdout, "listening");
}

/** The URL of the first `skiff serve --json` startup event of this kind (`listening`, `dataPlane`, `metrics`). */
export function startupUrl(stdout: string, kind: string): string | undefined {
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const event = JSON.parse(line) as { event?: unknown; url?: unknown };
      if (event.event === kind && typeof event.url === "string") return event.url;
    } catch {
      // A line cut in the middle: the rest arrives with the next chunk.
    }
  }
  return undefined;
}

export async function startSkiff(options: SkiffStartOptions = {}): Promise<SkiffServer> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "skiff-bench-data-")));
  const env: NodeJS.ProcessEnv = { ...process.env, SKIFF_LOG_LEVEL: "warn", ...options.env };
  delete env.SKIFF_ADMIN_TOKEN;
  delete env.SKIFF_DATA_DIR;
  let stdout = "";
  let listening: (url: string) => void = () => {};
  const url = new Promise<string>((resolve) => {
    listening = resolve;
  });
  const child = startChild(
    process.execPath,
    ["--no-node-snapshot", CLI_MAIN, "serve", "--port", "0", "--data-dir", dataDir, "--json"],
    {
      cwd: REPO_ROOT,
      env,
      onStdout: (chunk) => {
        stdout += chunk;
        const found = listeningUrl(stdout);
        if (found !== undefined) listening(found);
      },
    },
  );
  const cleanup = async () => {
    if (ownDir) await rm(dataDir, { recursive: true, force: true });
  };
  let timer: NodeJS.Timeout | undefined;
  const first = await Promise.race([
    url,
    child.exited.then(() => undefined),
    new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), START_DEADLINE_MS);
    }),
  ]);
  clearTimeout(timer);
  if (typeof first !== "string") {
    await child.stop(1_000);
    await cleanup();
    throw new Error(
      `skiff serve did not start (${first === null ? "timed out" : "exited"})\n${child.output()}`,
    );
  }
  await waitUntilReady(`${first}/healthz`, child);
  // Printed before `listening` when SKIFF_DATA_PLANE_PORT is set.
  const dataPlaneUrl = startupUrl(stdout, "dataPlane");
  const key = (await readFile(join(dataDir, "default.key"), "utf8")).trim();
  const operatorKey = (await readFile(join(dataDir, "admin.key"), "utf8")).trim();
  return {
    url: first,
    ...(dataPlaneUrl === undefined ? {} : { dataPlaneUrl }),
    dataDir,
    key,
    operatorKey,
    pid: child.pid,
    admin: new SkiffAdmin(first, key),
    child,
    stop: async (stopOptions = {}) => {
      await child.stop(20_000);
      if (!stopOptions.keepDataDir) await cleanup();
    },
  };
}
