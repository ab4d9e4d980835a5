// `skiff kv put`: writes a value, optionally expiring and with metadata.
import { CliError } from "../../cli-error.js";
import { defineCommand } from "../../command.js";
import { parseIntegerOption } from "../../parse-args.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";

export const kvPutCommand = defineCommand({
  name: "kv put",
  summary: "Write a KV value",
  usage: "skiff kv put <namespace> <key> <value> [--ttl <s>] [options]",
  description:
    "Creates or replaces the value. --ttl makes it expire that many seconds from now (at least 60, as in\n" +
    "Workers KV); --expiration at an epoch time in seconds. --metadata attaches a JSON value (up to 1 KB).",
  positionals: [
    { name: "namespace", description: "the KV namespace", required: true },
    { name: "key", description: "the key (up to 512 bytes)", required: true },
    { name: "value", description: "the value, as text", required: true },
  ],
  options: {
    ttl: {
      type: "string",
      placeholder: "<seconds>",
      description: "expire this many seconds from now (≥ 60)",
    },
    expiration: {
      type: "string",
      placeholder: "<epoch-s>",
      description: "expire at this time, epoch seconds",
    },
    metadata: { type: "string", placeholder: "<json>", description: "JSON metadata stored with the value" },
    ...clientOptions,
  },
  examples: [
    { description: "write a value", command: "skiff kv put cache greeting 'hello world'" },
    { description: "one that expires in an hour", command: "skiff kv put cache session:42 token --ttl 3600" },
    { description: "with metadata", command: `skiff kv put cache user:7 ada --metadata '{"plan":"pro"}'` },
  ],
  async run({ values, positionals, context }) {
    const [namespace, key, value] = positionals as [string, string, string];
    const ttlSeconds = parseIntegerOption("ttl", values.ttl, 3600);
    const expiration = parseIntegerOption("expiration", values.expiration, 1_900_000_000);
    if (ttlSeconds !== undefined && expiration !== undefined) {
      throw new CliError("give --ttl or --expiration, not both", "--ttl 3600 expires an hour from now");
    }
    if (ttlSeconds !== undefined && ttlSeconds < 60) {
      throw new CliError(`--ttl must be at least 60 seconds, got ${ttlSeconds}`, "e.g. --ttl 60");
    }
    const metadata = values.metadata === undefined ? undefined : parseMetadata(values.metadata);
    return withClient(context, values.url, async (client) => {
      await client.kvPut(values.tenant, namespace, key, new TextEncoder().encode(value), {
        ttlSeconds,
        expiration,
        metadata,
      });
      context.stdout(
        values.json
          ? `${JSON.stringify({ namespace, key, written: true })}\n`
          : `Wrote ${JSON.stringify(key)} to KV namespace ${namespace}.\n`,
      );
      return 0;
    });
  },
});

function parseMetadata(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CliError(`--metadata is not JSON: ${text}`, `e.g. --metadata '{"plan":"pro"}'`);
  }
}
