// `skiff kv namespaces`: the tenant's KV namespaces.
import { defineCommand } from "../../command.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";

export const kvNamespacesCommand = defineCommand({
  name: "kv namespaces",
  summary: "List KV namespaces",
  usage: "skiff kv namespaces [options]",
  positionals: [],
  options: { ...clientOptions },
  examples: [
    { description: "list the default tenant's namespaces", command: "skiff kv namespaces" },
    { description: "as JSON, for scripts", command: "skiff kv namespaces --json" },
  ],
  async run({ values, context }) {
    return withClient(context, values.url, async (client) => {
      const names = await client.listKvNamespaces(values.tenant);
      if (values.json) context.stdout(`${JSON.stringify(names)}\n`);
      else if (names.length === 0) {
        context.stdout(
          `No KV namespaces in tenant ${values.tenant}. Create one with: skiff kv create <name>\n`,
        );
      } else context.stdout(`${names.join("\n")}\n`);
      return 0;
    });
  },
});
