// `skiff deploy`: uploads a module as a new version of a function and activates it.
import { readFile } from "node:fs/promises";
import { basename, extname, resolve } from "node:path";
import { type FunctionConfigInput, isValidName } from "@skiff/core";
import { CliError } from "../cli-error.js";
import { resolveClientSettings } from "../client-settings.js";
import { defineCommand } from "../command.js";
import { parseIntegerOption, parseVars } from "../parse-args.js";
import { clientOptions } from "./client-options.js";

export const deployCommand = defineCommand({
  name: "deploy",
  summary: "Deploy a JavaScript module as a new version of a function",
  usage: "skiff deploy <file> [--name <name>] [options]",
  description:
    "The module uses Workers syntax: `export default { async fetch(request, env) { … } }`; env holds the --var\n" +
    "values. Each deploy creates the next version number and makes it active. Limits left out keep the defaults.",
  positionals: [{ name: "file", description: "the ES module to deploy", required: true }],
  options: {
    name: {
      type: "string",
      short: "n",
      placeholder: "<name>",
      description: "function name, a-z 0-9 and '-' (default: the file name without extension)",
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
    ...clientOptions,
  },
  examples: [
    {
      description: "deploy the hello example as function 'hello'",
      command: "skiff deploy examples/hello.js",
    },
    {
      description: "deploy with limits and a variable",
      command: "skiff deploy api.js --name api --memory 64 --cpu-ms 50 --timeout 1000 --var GREETING=hi",
    },
    {
      description: "deploy to another server and tenant",
      command: "SKIFF_URL=http://skiff.internal:8787 SKIFF_TOKEN=sk_… skiff deploy api.js --tenant acme",
    },
  ],
  async run({ values, positionals, context }) {
    const file = positionals[0] as string;
    const name = values.name ?? basename(file, extname(file));
    if (!isValidName(name)) {
      throw new CliError(
        `${JSON.stringify(name)} is not a valid function name`,
        values.name === undefined
          ? "pass --name <name> with 1-63 characters of a-z, 0-9 and '-'"
          : "use 1-63 characters of a-z, 0-9 and '-', not starting or ending with '-'",
      );
    }
    const config = buildConfig(values);
    const code = await readModule(context.cwd, file);

    const settings = await resolveClientSettings(context.env, context.cwd, { url: values.url });
    const client = context.createClient(settings);
    try {
      const result = await client.deployFunction(values.tenant, name, { code, config });
      if (values.json) {
        context.stdout(`${JSON.stringify(result)}\n`);
      } else {
        const base = settings.url.replace(/\/+$/, "");
        context.stdout(
          `Deployed ${name} version ${result.version.number} to tenant ${values.tenant}.\n` +
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

async function readModule(cwd: string, file: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, file), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : String(code);
    throw new CliError(`cannot read ${file}: ${why}`, `give the path of a .js module, relative to ${cwd}`);
  }
}
