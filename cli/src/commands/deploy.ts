// `skiff deploy`: uploads a module, or a bundled project, as a new version of a function and activates it.
import { type FunctionConfigInput, isValidName } from "@skiff/core";
import type { DeployRequest } from "../api-client.js";
import { CliError } from "../cli-error.js";
import { resolveClientSettings } from "../client-settings.js";
import { defineCommand } from "../command.js";
import { prepareUpload } from "../deploy/prepare-upload.js";
import { parseSecretOptions } from "../deploy/secret-options.js";
import { parseIntegerOption, parseVars } from "../parse-args.js";
import { clientOptions } from "./client-options.js";

export const deployCommand = defineCommand({
  name: "deploy",
  summary: "Deploy a module or a project as a new version of a function",
  usage: "skiff deploy <file-or-dir> [--name <name>] [options]",
  description:
    "The module uses Workers syntax: `export default { async fetch(request, env) { … } }`; env holds the --var\n" +
    "and --secret values. A file without imports is uploaded as it is (TypeScript is compiled by the server);\n" +
    "a file with imports, or a project directory, is bundled with esbuild, npm dependencies included. Each\n" +
    "deploy creates the next version number and makes it active. Limits left out keep the defaults.",
  positionals: [
    {
      name: "file-or-dir",
      description: "the module (.js, .mjs, .ts) or project directory to deploy",
      required: true,
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
    ...clientOptions,
  },
  examples: [
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
    const target = positionals[0] as string;
    const config = buildConfig(values);
    const secrets = parseSecretOptions(values.secret);
    const prepared = await prepareUpload(context.cwd, target, values.main);
    const name = values.name ?? prepared.defaultName;
    if (!isValidName(name)) {
      throw new CliError(
        `${JSON.stringify(name)} is not a valid function name`,
        values.name === undefined
          ? "pass --name <name> with 1-63 characters of a-z, 0-9 and '-'"
          : "use 1-63 characters of a-z, 0-9 and '-', not starting or ending with '-'",
      );
    }
    const request: DeployRequest = { ...prepared.upload, config };
    if (Object.keys(secrets).length > 0) request.secrets = secrets;

    const settings = await resolveClientSettings(context.env, context.cwd, { url: values.url });
    const client = context.createClient(settings);
    try {
      const result = await client.deployFunction(values.tenant, name, request);
      if (values.json) {
        context.stdout(`${JSON.stringify(result)}\n`);
      } else {
        const base = settings.url.replace(/\/+$/, "");
        const what = prepared.description === "file" ? "" : ` (${prepared.description})`;
        context.stdout(
          `Deployed ${name} version ${result.version.number} to tenant ${values.tenant}${what}.\n` +
            `  curl ${base}/fn/${values.tenant}/${name}\n`,
        );
      }
      return 0;
    } finally {
      await client.close();
    }
  },
});

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
