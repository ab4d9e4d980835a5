// `skiff queue ls`: the tenant's queues with their backlog and consumer.
import { defineCommand } from "../../command.js";
import { formatTable } from "../../format-table.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";

function age(ms: number | null): string {
  if (ms === null) return "-";
  if (ms < 1000) return `${ms}ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)}s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)}m`;
  return `${Math.round(ms / 3_600_000)}h`;
}

export const queueLsCommand = defineCommand({
  name: "queue ls",
  summary: "List queues with their depth and consumer",
  usage: "skiff queue ls [options]",
  positionals: [],
  options: { ...clientOptions },
  examples: [
    { description: "the default tenant's queues", command: "skiff queue ls" },
    { description: "as JSON, for scripts", command: "skiff queue ls --json" },
  ],
  async run({ values, context }) {
    return withClient(context, values.url, async (client) => {
      const queues = await client.listQueues(values.tenant);
      if (values.json) context.stdout(`${JSON.stringify(queues)}\n`);
      else if (queues.length === 0) {
        context.stdout(`No queues in tenant ${values.tenant}. Create one with: skiff queue create <name>\n`);
      } else {
        const rows = queues.map((q) => [
          q.name,
          q.ordered ? "ordered" : "standard",
          String(q.depth),
          String(q.inFlight),
          age(q.oldestMessageAgeMs),
          q.consumer?.function ?? "-",
        ]);
        context.stdout(formatTable(["NAME", "TYPE", "DEPTH", "IN FLIGHT", "OLDEST", "CONSUMER"], rows));
      }
      return 0;
    });
  },
});
