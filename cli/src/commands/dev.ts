// `skiff dev`: runs the project on a local Skiff, redeploying on every save and printing each invocation's logs.
import { resolve } from "node:path";
import { CliError } from "../cli-error.js";
import { defineCommand } from "../command.js";
import { parseIntegerOption } from "../parse-args.js";
import { runDevSession } from "../project/dev/dev-session.js";

export const devCommand = defineCommand({
  name: "dev",
  summary: "Run the project locally: redeploy on save, print each invocation's logs",
  usage: "skiff dev [<dir>] [--port <port>] [--env <env>] [--config <file>]",
  description:
    "Starts the same server as `skiff serve` in this process (data in <project>/.skiff/dev), bundles the\n" +
    "project's entry module with esbuild and deploys it into tenant 'default' as the config file describes\n" +
    "(skiff.jsonc, or wrangler.jsonc/json/toml), then rebuilds and redeploys whenever a file it imports, the\n" +
    "config file or .dev.vars changes. .dev.vars holds NAME=value secrets for local runs.\n" +
    "\n" +
    "Every path except /api, /fn, /hooks, /s3, /healthz, /metrics and /dashboard goes to the function, so\n" +
    "`curl localhost:8787/` reaches it; GET /__scheduled?cron=<expression> runs its scheduled handler now.\n" +
    "Platform logs are printed on stderr (level: SKIFF_LOG_LEVEL, default warn).",
  positionals: [{ name: "dir", description: "the project folder (default: .)", required: false }],
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
    env: {
      type: "string",
      short: "e",
      placeholder: "<env>",
      description: "use this environment of the config file (its env.<env> section)",
    },
    config: {
      type: "string",
      short: "c",
      placeholder: "<file>",
      description: "the config file to read (default: skiff.jsonc, else wrangler.jsonc/json/toml)",
    },
  },
  examples: [
    { description: "run the project in this folder on port 8787", command: "skiff dev" },
    {
      description: "run a Workers project's staging environment on another port",
      command: "skiff dev --env staging --port 9000",
    },
    {
      description: "run its scheduled handler for one of its crons",
      command: 'curl "http://127.0.0.1:8787/__scheduled?cron=*/5+*+*+*+*"',
    },
    {
      description: "events as NDJSON (listening, deployed, invocation …) for scripts",
      command: "skiff dev --json",
    },
  ],
  async run({ values, positionals, context }) {
    const port = parseIntegerOption("port", values.port, 8787) as number;
    if (port > 65_535)
      throw new CliError(`--port ${port} is not a TCP port`, "use 1-65535, or 0 for a free port");
    return runDevSession({
      context,
      dir: resolve(context.cwd, positionals[0] ?? "."),
      env: values.env,
      configFile: values.config === undefined ? undefined : resolve(context.cwd, values.config),
      port,
      host: values.host,
      json: values.json,
    });
  },
});
