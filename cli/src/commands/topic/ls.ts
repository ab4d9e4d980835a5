// `skiff topic ls`: the tenant's topics and how many subscriptions each has.
import { defineCommand } from "../../command.js";
import { formatTable } from "../../format-table.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";

export const topicLsCommand = defineCommand({
  name: "topic ls",
  summary: "List topics",
  usage: "skiff topic ls [options]",
  positionals: [],
  options: { ...clientOptions },
  examples: [
    { description: "the default tenant's topics", command: "skiff topic ls" },
    { description: "as JSON, for scripts", command: "skiff topic ls --json" },
  ],
  async run({ values, context }) {
    return withClient(context, values.url, async (client) => {
      const topics = await client.listTopics(values.tenant);
      if (values.json) context.stdout(`${JSON.stringify(topics)}\n`);
      else if (topics.length === 0) {
        context.stdout(`No topics in tenant ${values.tenant}. Create one with: skiff topic create <name>\n`);
      } else {
        const rows = topics.map((t) => [
          t.name,
          String(t.subscriptions),
          new Date(t.createdAt).toISOString(),
        ]);
        context.stdout(formatTable(["NAME", "SUBSCRIPTIONS", "CREATED"], rows));
      }
      return 0;
    });
  },
});
