// `skiff invoke`: calls a function over the data plane, as any HTTP client would, and prints its answer.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { CliError } from "../cli-error.js";
import { resolveClientSettings } from "../client-settings.js";
import { defineCommand } from "../command.js";
import { clientOptions } from "./client-options.js";

const utf8 = new TextDecoder();

export const invokeCommand = defineCommand({
  name: "invoke",
  summary: "Call a function over HTTP and print its response body",
  usage: "skiff invoke <name> [-d <body>] [-X <method>] [--path <path>] [options]",
  description:
    "Sends the request to /fn/<tenant>/<name><path> on the server. The body goes to stdout; a status that is\n" +
    "not 2xx is shown on stderr, and a 5xx answer (or a function that does not exist) exits with code 1.",
  positionals: [{ name: "name", description: "the function to call", required: true }],
  options: {
    data: {
      type: "string",
      short: "d",
      placeholder: "<body>",
      description: "request body; @file reads it from a file (implies -X POST)",
    },
    method: { type: "string", short: "X", placeholder: "<method>", description: "HTTP method (default GET)" },
    path: {
      type: "string",
      default: "/",
      placeholder: "<path>",
      description: "path and query below the function",
    },
    header: {
      type: "string",
      short: "H",
      multiple: true,
      placeholder: "<'Name: value'>",
      description: "a header",
    },
    ...clientOptions,
  },
  examples: [
    { description: "call the hello example", command: "skiff invoke hello" },
    {
      description: "send a JSON body",
      command: `skiff invoke echo -d '{"n":1}' -H 'content-type: application/json'`,
    },
    {
      description: "call a path with a query, as PUT",
      command: "skiff invoke api -X PUT --path '/items/7?dry=1'",
    },
    { description: "see status and headers as JSON", command: "skiff invoke hello --json" },
  ],
  async run({ values, positionals, context }) {
    const name = positionals[0] as string;
    const body = values.data === undefined ? undefined : await readBody(context.cwd, values.data);
    const method = (values.method ?? (body === undefined ? "GET" : "POST")).toUpperCase();
    if (!/^[A-Z]+$/.test(method)) {
      throw new CliError(`-X ${JSON.stringify(values.method)} is not an HTTP method`, "e.g. -X POST");
    }
    const headers = parseHeaders(values.header);

    const settings = await resolveClientSettings(context.env, context.cwd, { url: values.url });
    const client = context.createClient(settings);
    try {
      const answer = await client.invoke(values.tenant, name, { method, path: values.path, headers, body });
      if (values.json) {
        const shown = { status: answer.status, headers: answer.headers, body: utf8.decode(answer.body) };
        context.stdout(`${JSON.stringify(shown)}\n`);
      } else {
        context.stdout(answer.body);
      }
      if (answer.status < 200 || answer.status >= 300) context.stderr(`HTTP ${answer.status}\n`);
      if (isMissingFunction(answer.status, answer.body)) {
        context.stderr(`hint: no function ${name} in tenant ${values.tenant}; see \`skiff ls\`\n`);
        return 1;
      }
      return answer.status >= 500 ? 1 : 0;
    } finally {
      await client.close();
    }
  },
});

async function readBody(cwd: string, data: string): Promise<Uint8Array> {
  if (!data.startsWith("@")) return new TextEncoder().encode(data);
  const file = data.slice(1);
  try {
    return new Uint8Array(await readFile(resolve(cwd, file)));
  } catch (error) {
    throw new CliError(
      `cannot read the body file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      "after -d @, give a path relative to the current directory",
    );
  }
}

function parseHeaders(lines: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim();
    if (colon <= 0 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new CliError(
        `-H expects 'Name: value', got ${JSON.stringify(line)}`,
        "e.g. -H 'content-type: text/plain'",
      );
    }
    headers[name.toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** A platform 404 for the function itself, as opposed to a 404 the function chose to answer. */
function isMissingFunction(status: number, body: Uint8Array): boolean {
  if (status !== 404) return false;
  try {
    const parsed = JSON.parse(utf8.decode(body)) as { error?: { code?: unknown } };
    return parsed.error?.code === "FUNCTION_NOT_FOUND" || parsed.error?.code === "TENANT_NOT_FOUND";
  } catch {
    return false;
  }
}
