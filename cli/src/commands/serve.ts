// `skiff serve`: runs the platform in this process until SIGINT or SIGTERM.
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CliError } from "../cli-error.js";
import { DEFAULT_DATA_DIR } from "../client-settings.js";
import { defineCommand } from "../command.js";
import { parseIntegerOption } from "../parse-args.js";
import { asyncInFlightFromEnv } from "../server/async-settings.js";
import { dataPlaneSettingsFromEnv } from "../server/data-plane-settings.js";
import { httpSettingsFromEnv } from "../server/http-settings.js";
import { observabilitySettingsFromEnv } from "../server/observability-settings.js";
import type { RunningServer } from "../server/start-server.js";

/** The repository's examples folder, next to cli/ (this file runs from cli/dist/commands/). */
const EXAMPLES_DIR = fileURLToPath(new URL("../../../examples/", import.meta.url));

export const serveCommand = defineCommand({
  name: "serve",
  summary: "Run Skiff: the admin API and the functions' HTTP endpoints",
  usage: "skiff serve [--port <port>] [--host <host>] [--data-dir <dir>] [--examples]",
  description:
    "On first start it creates tenant 'default' and saves its API key to <data-dir>/default.key (mode 0600).\n" +
    "The operator key is SKIFF_ADMIN_TOKEN, or one generated into <data-dir>/admin.key. Stop with Ctrl-C.\n" +
    "Logs are JSON lines on stderr (level: SKIFF_LOG_LEVEL, default info), one per request with its x-request-id.\n" +
    "Prometheus metrics: GET /metrics with the operator key, or without a key on SKIFF_METRICS_PORT\n" +
    "(bound to SKIFF_METRICS_HOST, default 127.0.0.1). Prices for usage's estimated cost: SKIFF_PRICES (JSON)\n" +
    'or SKIFF_PRICES_FILE, e.g. {"perRequest": 0.0000002, "perGbSecond": 0.0000166667}.\n' +
    "Direct data plane (faster function requests): SKIFF_DATA_PLANE_PORT (0 picks a free one) serves the functions\n" +
    "on a second port, answered by the runtime workers themselves (bound to SKIFF_DATA_PLANE_HOST, default --host);\n" +
    "everything else stays on the main port.",
  positionals: [],
  options: {
    port: {
      type: "string",
      short: "p",
      default: "8787",
      placeholder: "<port>",
      description: "port; 0 picks a free one",
    },
    host: {
      type: "string",
      default: "127.0.0.1",
      placeholder: "<host>",
      description: "address to listen on",
    },
    "data-dir": {
      type: "string",
      placeholder: "<dir>",
      description: `where the database, code and keys live (default: $SKIFF_DATA_DIR, else ./${DEFAULT_DATA_DIR})`,
    },
    examples: { type: "boolean", description: "deploy the examples/*.js functions into tenant 'default'" },
  },
  examples: [
    { description: "start with the example functions deployed", command: "skiff serve --examples" },
    {
      description: "listen on all interfaces, data elsewhere",
      command: "skiff serve --host 0.0.0.0 --data-dir /var/lib/skiff",
    },
    {
      description: "a throwaway server on a free port",
      command: "skiff serve --port 0 --data-dir $(mktemp -d)",
    },
  ],
  async run({ values, context }) {
    const port = parseIntegerOption("port", values.port, 8787) as number;
    if (port > 65_535)
      throw new CliError(`--port ${port} is not a TCP port`, "use 1-65535, or 0 for a free port");
    const dataDir = resolve(
      context.cwd,
      values["data-dir"] ?? context.env.SKIFF_DATA_DIR ?? DEFAULT_DATA_DIR,
    );

    // Listen for SIGTERM/SIGINT before anything starts, so a signal during startup still shuts down cleanly.
    const stopRequested = context.waitForStop();
    // Loaded here so the client commands do not pay for SQLite, the runtime and the gateway.
    const { startServer } = await import("../server/start-server.js");
    const { pino, destination } = await import("pino");
    const server = await startServer({
      port,
      host: values.host,
      dataDir,
      adminToken: context.env.SKIFF_ADMIN_TOKEN,
      masterKey: context.env.SKIFF_MASTER_KEY,
      ...(context.env.SKIFF_WEBHOOK_RETENTION_DAYS === undefined
        ? {}
        : {
            webhookRetentionDays: parseIntegerOption(
              "SKIFF_WEBHOOK_RETENTION_DAYS",
              context.env.SKIFF_WEBHOOK_RETENTION_DAYS,
              7,
            ) as number,
          }),
      ...(context.env.SKIFF_MAX_OBJECT_BYTES === undefined
        ? {}
        : {
            maxObjectBytes: parseIntegerOption(
              "SKIFF_MAX_OBJECT_BYTES",
              context.env.SKIFF_MAX_OBJECT_BYTES,
              100 * 1024 * 1024,
            ) as number,
          }),
      ...(context.env.SKIFF_EVENT_LEASE_MS === undefined
        ? {}
        : {
            eventLeaseMs: parseIntegerOption(
              "SKIFF_EVENT_LEASE_MS",
              context.env.SKIFF_EVENT_LEASE_MS,
              30_000,
            ) as number,
          }),
      ...(context.env.SKIFF_ASYNC_IN_FLIGHT === undefined
        ? {}
        : { asyncInFlight: asyncInFlightFromEnv(context.env.SKIFF_ASYNC_IN_FLIGHT) }),
      ...(context.env.SKIFF_WORKER_RSS_MB === undefined
        ? {}
        : { maxWorkerRssMb: workerRssCap(context.env.SKIFF_WORKER_RSS_MB) }),
      examplesDir: values.examples ? EXAMPLES_DIR : undefined,
      egress: egressFromEnv(context.env),
      // Slow-client timeouts, header and URL limits, drain time: see the README's limits table.
      ...httpSettingsFromEnv(context.env),
      // /metrics on a keyless private port, and the price table for usage's estimated cost.
      ...observabilitySettingsFromEnv(context.env, context.cwd),
      // The direct data plane: function requests on a second port, served by the runtime workers.
      ...dataPlaneSettingsFromEnv(context.env),
      // JSON logs on stderr keep stdout for what a person (or a script, with --json) reads.
      logger: pino({ level: context.env.SKIFF_LOG_LEVEL ?? "info" }, destination({ dest: 2, sync: true })),
    });
    const say = values.json
      ? (event: Record<string, unknown>) => context.stdout(`${JSON.stringify(event)}\n`)
      : (event: Record<string, unknown>) => context.stdout(describe(event, server));
    for (const event of startupEvents(server, dataDir)) say(event);

    const signal = await stopRequested;
    say({ event: "stopping", signal });
    await server.close();
    say({ event: "stopped" });
    return 0;
  },
});

/** What a person (or a script, with --json) needs to know once the server is up. */
function startupEvents(server: RunningServer, dataDir: string): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  const { adminToken, defaultTenant } = server;
  if (adminToken.source === "generated") events.push({ event: "adminKeyCreated", path: adminToken.path });
  if (defaultTenant.newKey !== undefined) {
    events.push({
      event: "defaultKeyCreated",
      tenant: "default",
      key: defaultTenant.newKey,
      path: defaultTenant.keyFile,
      createdTenant: defaultTenant.createdTenant,
    });
  }
  for (const example of server.examples) events.push({ event: "example", ...example });
  if (server.metricsUrl !== undefined) events.push({ event: "metrics", url: server.metricsUrl });
  if (server.dataPlaneUrl !== undefined) events.push({ event: "dataPlane", url: server.dataPlaneUrl });
  events.push({ event: "listening", url: server.url, port: server.port, dataDir });
  return events;
}

function describe(event: Record<string, unknown>, server: RunningServer): string {
  switch (event.event) {
    case "adminKeyCreated":
      return `No SKIFF_ADMIN_TOKEN set: generated an operator key in ${event.path} (mode 0600).\n`;
    case "defaultKeyCreated":
      return (
        `${event.createdTenant ? "Created tenant default. " : ""}Its API key, shown only this once:\n` +
        `  ${event.key}\n` +
        `Saved to ${event.path} (mode 0600); the CLI reads it from there.\n`
      );
    case "example":
      if (event.status === "skipped") return `Example ${event.file} not deployed: ${event.reason}\n`;
      return `Example ${event.name}: version ${event.version}${event.status === "unchanged" ? " (unchanged)" : ""}\n`;
    case "listening": {
      const hello = server.examples.some((e) => e.name === "hello" && e.status !== "skipped");
      const tryIt = hello
        ? `Try: curl ${server.url}/fn/default/hello\n` +
          `     curl -H 'Host: hello.default.localhost' ${server.url}/\n`
        : "Deploy a function: skiff deploy <file> --name <name>\n";
      return `Skiff listening on ${server.url}\n${tryIt}`;
    }
    case "metrics":
      return `Prometheus metrics (no key needed) at ${event.url}\n`;
    case "dataPlane":
      return `Direct data plane (functions only, served by the runtime workers) at ${event.url}\n`;
    case "stopping":
      return `Received ${event.signal}, shutting down…\n`;
    case "stopped":
      return "Stopped.\n";
    default:
      return `${JSON.stringify(event)}\n`;
  }
}

/** SKIFF_WORKER_RSS_MB: the resident memory above which a runtime worker is killed and restarted. */
function workerRssCap(value: string): number {
  const mb = parseIntegerOption("SKIFF_WORKER_RSS_MB", value, 4096) as number;
  if (mb < 64) {
    throw new CliError(
      `SKIFF_WORKER_RSS_MB=${mb} is below what an idle runtime worker needs`,
      "use at least 64 (MB); the default is 4096",
    );
  }
  return mb;
}

/** Operator egress settings (DESIGN §7): comma-separated hosts, IPs, "IP:port" or CIDRs. */
function egressFromEnv(env: NodeJS.ProcessEnv): { allow: string[]; functionAllowable: string[] } {
  const list = (value: string | undefined) =>
    (value ?? "")
      .split(",")
      .map((entry) => entry.trim())
      .filter((entry) => entry.length > 0);
  return {
    allow: list(env.SKIFF_EGRESS_ALLOW),
    functionAllowable: list(env.SKIFF_EGRESS_FUNCTION_ALLOWABLE),
  };
}
