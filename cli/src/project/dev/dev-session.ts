// `skiff dev`: a local Skiff (the same server as `skiff serve`) with the project deployed, redeployed on every
// change, each invocation's logs printed as it finishes, until Ctrl-C.
import { type FSWatcher, watch } from "node:fs";
import { join, relative } from "node:path";
import type { InvocationRecord } from "@skiff/core";
import type { DeployRequest } from "../../api-client.js";
import type { CommandContext } from "../../command.js";
import type { BundleResult } from "../../deploy/bundle.js";
import { reportError } from "../../error-report.js";
import { CONFIG_FILE_NAMES } from "../config/load-project-config.js";
import { createDeployQueue } from "./deploy-queue.js";
import { DEV_TENANT, devFetch } from "./dev-fetch.js";
import { type DevProject, resolveDevProject } from "./dev-project.js";
import { DEV_VARS_FILE, readDevVars } from "./dev-vars.js";
import { type EntryWatcher, watchEntry } from "./entry-watcher.js";
import { formatInvocation } from "./invocation-log.js";
import { prettyLogStream } from "./platform-log.js";

/** Files whose change means "read the project again" rather than "rebuild". */
const PROJECT_FILES = new Set<string>([...CONFIG_FILE_NAMES, DEV_VARS_FILE, "package.json"]);
/** Editors save in several steps; one reload after they settle. */
const SETTLE_MS = 150;

export interface DevSessionOptions {
  context: CommandContext;
  /** The project folder. */
  dir: string;
  env: string | undefined;
  configFile: string | undefined;
  port: number;
  host: string;
  /** NDJSON events on stdout instead of text. */
  json: boolean;
}

type DevEvent = { event: string } & Record<string, unknown>;

/** Runs until the process is asked to stop; returns the exit code. */
export async function runDevSession(options: DevSessionOptions): Promise<number> {
  const { context } = options;
  const emit = (event: DevEvent) =>
    context.stdout(options.json ? `${JSON.stringify(event)}\n` : describe(event, options));
  const stopRequested = context.waitForStop();
  const projectOptions = {
    dir: options.dir,
    cwd: context.cwd,
    env: options.env,
    configFile: options.configFile,
  };
  let project = await resolveDevProject(projectOptions);
  emitProject(emit, project, context.cwd);

  // Loaded here so the other commands do not pay for SQLite, the runtime and the gateway.
  const { startServer } = await import("../../server/start-server.js");
  const { pino } = await import("pino");
  let deployedName: string | undefined;
  let adminToken = "";
  const dataDir = join(project.dir, ".skiff", "dev");
  const server = await startServer({
    port: options.port,
    host: options.host,
    dataDir,
    adminToken: undefined,
    examplesDir: undefined,
    logger: pino(
      { level: context.env.SKIFF_LOG_LEVEL ?? "warn" },
      prettyLogStream((text) => context.stderr(text)),
    ),
    wrapFetch: (gateway) =>
      devFetch(gateway, { functionName: () => deployedName, adminToken: () => adminToken }),
  });
  adminToken = server.adminToken.token;
  const client = context.createClient({
    url: server.url,
    token: adminToken,
    tokenSource: `${dataDir}/admin.key`,
  });
  const stopPrinting = server.invocations.subscribe((record: InvocationRecord) => {
    if (options.json) emit({ event: "invocation", record });
    else context.stdout(formatInvocation(record));
  });
  // Whatever happens from here on, the watchers, the client and the server are closed before returning.
  const cleanups: Array<() => unknown> = [() => server.close(), () => client.close(), stopPrinting];
  try {
    emit({ event: "listening", url: server.url, port: server.port, dataDir, name: project.name });

    const deploys = createDeployQueue(
      async ({ bundle, target }: { bundle: BundleResult; target: DevProject }) => {
        try {
          const request: DeployRequest = {
            modules: bundle.modules,
            main: bundle.main,
            config: target.config,
          };
          const secrets = await readDevVars(target.dir);
          if (Object.keys(secrets).length > 0) request.secrets = secrets;
          const result = await client.deployFunction(DEV_TENANT, target.name, request);
          deployedName = target.name;
          emit({
            event: "deployed",
            name: target.name,
            version: result.version.number,
            files: bundle.inputs.length,
          });
        } catch (error) {
          emit({ event: "deployFailed", ...reportError(error) });
        }
      },
    );
    cleanups.push(() => deploys.idle());
    const startWatching = (target: DevProject) =>
      watchEntry(target.entry, target.dir, (outcome) => {
        if (outcome.ok) deploys.push({ bundle: outcome.bundle, target });
        else emit({ event: "buildFailed", ...reportError(outcome.error) });
      });
    let watcher: EntryWatcher = await startWatching(project);
    cleanups.push(() => watcher.dispose());

    // The config file, .dev.vars and package.json are not part of the bundle: a change to one reads the project
    // again and starts a new watch (whose first build deploys with the new settings).
    let settle: NodeJS.Timeout | undefined;
    let reloading = Promise.resolve();
    const reload = () => {
      reloading = reloading.then(async () => {
        try {
          const next = await resolveDevProject(projectOptions);
          await watcher.dispose();
          project = next;
          emitProject(emit, project, context.cwd);
          watcher = await startWatching(project);
        } catch (error) {
          emit({ event: "configFailed", ...reportError(error) });
        }
      });
    };
    const projectWatcher: FSWatcher = watch(project.dir, (_type, file) => {
      if (file === null || !PROJECT_FILES.has(file)) return;
      clearTimeout(settle);
      settle = setTimeout(reload, SETTLE_MS);
    });
    cleanups.push(() => reloading);
    cleanups.push(() => {
      clearTimeout(settle);
      projectWatcher.close();
    });

    const signal = await stopRequested;
    emit({ event: "stopping", signal });
  } finally {
    // In reverse: file watching stops first, the server last.
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
  emit({ event: "stopped" });
  return 0;
}

function emitProject(emit: (event: DevEvent) => void, project: DevProject, cwd: string): void {
  emit({
    event: "project",
    name: project.name,
    entry: relative(cwd, project.entry) || project.entry,
    configFile: project.file === undefined ? null : relative(cwd, project.file) || project.file,
    notes: project.notes,
  });
}

function describe(event: DevEvent, options: DevSessionOptions): string {
  switch (event.event) {
    case "project": {
      const from = event.configFile === null ? "" : ` from ${event.configFile}`;
      const env = options.env === undefined ? "" : `, environment ${options.env}`;
      const notes = (event.notes as string[]).map((note) => `note: ${note}\n`).join("");
      return `skiff dev: ${event.name} (${event.entry})${from}${env}\n${notes}`;
    }
    case "listening":
      return (
        `Ready on ${event.url}: the function answers at ${event.url}/ (and /fn/${DEV_TENANT}/${event.name}/)\n` +
        `  Run its cron handler now: curl "${event.url}/__scheduled?cron=<expression>"\n` +
        "  Saving a source file rebuilds and redeploys; Ctrl-C stops.\n"
      );
    case "deployed":
      return `Deployed ${event.name} version ${event.version} (bundle of ${event.files} file${event.files === 1 ? "" : "s"}).\n`;
    case "buildFailed":
    case "deployFailed":
    case "configFailed": {
      const what = {
        buildFailed: "Build failed",
        deployFailed: "Deploy failed",
        configFailed: "Config not reloaded",
      }[event.event];
      const hint = event.hint === undefined ? "" : `hint: ${event.hint}\n`;
      return `${what}: ${event.message}\n${hint}Still serving the last good version; save again to retry.\n`;
    }
    case "stopping":
      return `Received ${event.signal}, shutting down…\n`;
    case "stopped":
      return "Stopped.\n";
    default:
      return `${JSON.stringify(event)}\n`;
  }
}
