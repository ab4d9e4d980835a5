// `skiff deploy`: uploads a module, or a bundled project, as a new version of a function and activates it.
import { relative } from "node:path";
import { type FunctionConfigInput, isValidName } from "@skiff/core";
import type { DeployRequest } from "../api-client.js";
import { CliError } from "../cli-error.js";
import { resolveClientSettings } from "../client-settings.js";
import { defineCommand } from "../command.js";
import { planDeploy } from "../deploy/deploy-plan.js";
import { parseSecretOptions } from "../deploy/secret-options.js";
import { parseIntegerOption, parseVars } from "../parse-args.js";
import { progressFor } from "../progress.js";
import { clientOptions } from "./client-options.js";

export const deployCommand = defineCommand({
  name: "deploy",
  summary: "Deploy a module or a project as a new version of a function",
  usage: "skiff deploy [<file-or-dir>] [--name <name>] [--env <env>] [options]",
  description:
    "The module uses Workers syntax: `export default { async fetch(request, env) { … } }`; env holds the --var\n" +
    "and --secret values. A file without imports is uploaded as it is (TypeScript is compiled by the server);\n" +
    "a file with imports, or a project directory, is bundled with esbuild, npm dependencies included. Each\n" +
    "deploy creates the next version number and makes it active. Limits left out keep the defaults.\n" +
    "\n" +
    "Without <file-or-dir>, or with a project directory, the project's config file is read if it has one:\n" +
    "skiff.jsonc (or skiff.json), else wrangler.jsonc, wrangler.json or wrangler.toml with wrangler's field\n" +
    "names (name, main, vars, triggers.crons, limits.cpu_ms, kv_namespaces, r2_buckets, queues, services, env).\n" +
    "Options given on the command line win over the file.",
  positionals: [
    {
      name: "file-or-dir",
      description: "the module (.js, .mjs, .ts) or project directory to deploy (default: the project here)",
      required: false,
    },
  ],
  options: {
    name: {
      type: "string",
      short: "n",
      placeholder: "<name>",
      description: "function name, a-z 0-9 and '-' (default: the file name, or the project's package name)",
    },
    main: {
      type: "string",
      placeholder: "<file>",
      description:
        "entry module of a project directory (default: package.json main/module, else index.ts or index.js)",
    },
    memory: { type: "string", placeholder: "<MB>", description: "memory limit in MB (16-2048; default 128)" },
    "cpu-ms": {
      type: "string",
      placeholder: "<ms>",
      description: "CPU time per invocation in ms (default 30000)",
    },
    timeout: { type: "string", placeholder: "<ms>", description: "wall-clock timeout in ms (default 3000)" },
    concurrency: {
      type: "string",
      placeholder: "<n>",
      description: "parallel invocations (1-1000; default 10)",
    },
    var: { type: "string", multiple: true, placeholder: "<KEY=VALUE>", description: "a variable in env" },
    secret: {
      type: "string",
      multiple: true,
      placeholder: "<NAME=VALUE>",
      description: "a secret in env, stored encrypted and never shown again",
    },
    env: {
      type: "string",
      short: "e",
      placeholder: "<env>",
      description: "deploy this environment of the config file (its env.<env> section)",
    },
    config: {
      type: "string",
      short: "c",
      placeholder: "<file>",
      description:
        "the config file to read (default: skiff.jsonc, else wrangler.jsonc/json/toml, in the project)",
    },
    ...clientOptions,
  },
  examples: [
    {
      description: "deploy the project in this folder, as its skiff.jsonc or wrangler.toml describes",
      command: "skiff deploy",
    },
    {
      description: "deploy a Workers project's staging environment (wrangler.toml [env.staging])",
      command: "skiff deploy --env staging",
    },
    {
      description: "deploy the hello example as function 'hello'",
      command: "skiff deploy examples/hello.js",
    },
    {
      description: "bundle and deploy a project (package.json main, or index.ts), npm packages included",
      command: "skiff deploy ./my-worker --name api",
    },
    {
      description: "deploy with limits, a variable and a secret",
      command:
        'skiff deploy api.ts --name api --memory 64 --timeout 1000 --var GREETING=hi --secret TOKEN="$(cat token.txt)"',
    },
    {
      description: "deploy to another server and tenant",
      command: "SKIFF_URL=http://skiff.internal:8787 SKIFF_TOKEN=sk_… skiff deploy api.js --tenant acme",
    },
  ],
  async run({ values, positionals, context }) {
    const progress = progressFor(context);
    const plan = await planDeploy({
      cwd: context.cwd,
      target: positionals[0],
      main: values.main,
      configFile: values.config,
      env: values.env,
      name: values.name,
      options: buildConfig(values),
      progress,
    });
    const secrets = parseSecretOptions(values.secret);
    const { name, prepared, project } = plan;
    if (!isValidName(name)) {
      throw new CliError(
        `${JSON.stringify(name)} is not a valid function name`,
        values.name === undefined
          ? `pass --name <name>${project === undefined ? "" : `, or set "name" in the config file,`} with 1-63 characters of a-z, 0-9 and '-'`
          : "use 1-63 characters of a-z, 0-9 and '-', not starting or ending with '-'",
      );
    }
    for (const note of project?.notes ?? []) context.stderr(`note: ${note}\n`);
    const request: DeployRequest = { ...prepared.upload, config: plan.config };
    if (Object.keys(secrets).length > 0) request.secrets = secrets;

    const settings = await resolveClientSettings(context.env, context.cwd, { url: values.url });
    const client = context.createClient(settings);
    try {
      const result = await progress.run(`Uploading ${name} to ${settings.url}`, () =>
        client.deployFunction(values.tenant, name, request),
      );
      if (values.json) {
        context.stdout(`${JSON.stringify(result)}\n`);
      } else {
        const base = settings.url.replace(/\/+$/, "");
        const what = prepared.description === "file" ? "" : ` (${prepared.description})`;
        const from = project === undefined ? "" : ` from ${relativeLabel(context.cwd, project.file)}`;
        const env = project?.env === undefined ? "" : `, environment ${project.env}`;
        context.stdout(
          `Deployed ${name} version ${result.version.number} to tenant ${values.tenant}${what}${from}${env}.\n` +
            `  curl ${base}/fn/${values.tenant}/${name}\n`,
        );
      }
      return 0;
    } finally {
      await client.close();
    }
  },
});

function relativeLabel(cwd: string, file: string): string {
  return relative(cwd, file) || file;
}

function buildConfig(values: {
  memory: string | undefined;
  "cpu-ms": string | undefined;
  timeout: string | undefined;
  concurrency: string | undefined;
  var: string[];
}): FunctionConfigInput {
  const config: FunctionConfigInput = {};
  const memoryMb = parseIntegerOption("memory", values.memory, 128);
  const cpuMs = parseIntegerOption("cpu-ms", values["cpu-ms"], 50);
  const timeoutMs = parseIntegerOption("timeout", values.timeout, 1000);
  const concurrency = parseIntegerOption("concurrency", values.concurrency, 10);
  if (memoryMb !== undefined) config.memoryMb = memoryMb;
  if (cpuMs !== undefined) config.cpuMs = cpuMs;
  if (timeoutMs !== undefined) config.timeoutMs = timeoutMs;
  if (concurrency !== undefined) config.concurrency = concurrency;
  if (values.var.length > 0) config.vars = parseVars(values.var);
  return config;
}
