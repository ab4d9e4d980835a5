// `skiff kv create`: a new KV namespace in the tenant.
import { defineCommand } from "../../command.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";

export const kvCreateCommand = defineCommand({
  name: "kv create",
  summary: "Create a KV namespace",
  usage: "skiff kv create <namespace> [options]",
  description:
    'Functions reach a namespace through a binding: {"type": "kv", "name": "CACHE", "namespace": "<it>"}.',
  positionals: [{ name: "namespace", description: "the namespace's name", required: true }],
  options: { ...clientOptions },
  examples: [{ description: "create a namespace for a cache", command: "skiff kv create cache" }],
  async run({ values, positionals, context }) {
    const name = positionals[0] as string;
    return withClient(context, values.url, async (client) => {
      await client.createKvNamespace(values.tenant, name);
      context.stdout(
        values.json
          ? `${JSON.stringify({ name })}\n`
          : `Created KV namespace ${name} in tenant ${values.tenant}.\n  skiff kv put ${name} <key> <value>\n`,
      );
      return 0;
    });
  },
});
