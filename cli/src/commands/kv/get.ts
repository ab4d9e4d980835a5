// `skiff kv get`: prints a value, bytes unchanged.
import { defineCommand } from "../../command.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

export const kvGetCommand = defineCommand({
  name: "kv get",
  summary: "Print a KV value",
  usage: "skiff kv get <namespace> <key> [options]",
  description:
    "Writes the value to stdout as stored, without a newline. With --json, prints the value (as text when it\n" +
    "is UTF-8, else as base64), its metadata and its expiry. A missing or expired key exits with code 1.",
  positionals: [
    { name: "namespace", description: "the KV namespace", required: true },
    { name: "key", description: "the key", required: true },
  ],
  options: { ...clientOptions },
  examples: [
    { description: "print a value", command: "skiff kv get cache greeting" },
    { description: "with its metadata and expiry", command: "skiff kv get cache greeting --json" },
  ],
  async run({ values, positionals, context }) {
    const [namespace, key] = positionals as [string, string];
    return withClient(context, values.url, async (client) => {
      const entry = await client.kvGet(values.tenant, namespace, key);
      if (!values.json) {
        context.stdout(entry.value);
        return 0;
      }
      const shown: Record<string, unknown> = { key };
      try {
        shown.value = strictUtf8.decode(entry.value);
      } catch {
        shown.base64 = Buffer.from(entry.value).toString("base64");
      }
      shown.metadata = entry.metadata;
      shown.expiration = entry.expiration;
      context.stdout(`${JSON.stringify(shown)}\n`);
      return 0;
    });
  },
});
