// `skiff kv rm`: deletes a key.
import { defineCommand } from "../../command.js";
import { printable } from "../../format-table.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";

export const kvRmCommand = defineCommand({
  name: "kv rm",
  summary: "Delete a KV key",
  usage: "skiff kv rm <namespace> <key> [options]",
  description: "Deleting a key that does not exist succeeds, as in Workers KV.",
  positionals: [
    { name: "namespace", description: "the KV namespace", required: true },
    { name: "key", description: "the key", required: true },
  ],
  options: { ...clientOptions },
  examples: [{ description: "delete a key", command: "skiff kv rm cache session:42" }],
  async run({ values, positionals, context }) {
    const [namespace, key] = positionals as [string, string];
    return withClient(context, values.url, async (client) => {
      await client.kvDelete(values.tenant, namespace, key);
      context.stdout(
        values.json
          ? `${JSON.stringify({ deleted: true, namespace, key })}\n`
          : `Deleted ${printable(key)} from KV namespace ${namespace}.\n`,
      );
      return 0;
    });
  },
});
