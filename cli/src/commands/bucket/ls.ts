// `skiff bucket ls`: the tenant's buckets.
import { defineCommand } from "../../command.js";
import { formatTable } from "../../format-table.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";

export const bucketLsCommand = defineCommand({
  name: "bucket ls",
  summary: "List buckets",
  usage: "skiff bucket ls [options]",
  positionals: [],
  options: { ...clientOptions },
  examples: [
    { description: "list the default tenant's buckets", command: "skiff bucket ls" },
    { description: "as JSON, for scripts", command: "skiff bucket ls --json" },
  ],
  async run({ values, context }) {
    return withClient(context, values.url, async (client) => {
      const buckets = await client.listBuckets(values.tenant);
      if (values.json) context.stdout(`${JSON.stringify(buckets)}\n`);
      else if (buckets.length === 0) {
        context.stdout(
          `No buckets in tenant ${values.tenant}. Create one with: skiff bucket create <name>\n`,
        );
      } else {
        const rows = buckets.map((b) => [b.name, new Date(b.createdAt).toISOString()]);
        context.stdout(formatTable(["NAME", "CREATED"], rows));
      }
      return 0;
    });
  },
});
