// `skiff webhook deliveries`: the deliveries log of a receiver, newest first.
import { CliError } from "../../cli-error.js";
import { defineCommand } from "../../command.js";
import { formatTable } from "../../format-table.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";

export const webhookDeliveriesCommand = defineCommand({
  name: "webhook deliveries",
  summary: "Show a webhook's deliveries log",
  usage: "skiff webhook deliveries <function> <id> [--limit <n>] [options]",
  positionals: [
    { name: "function", description: "the function", required: true },
    { name: "id", description: "the webhook's id", required: true },
  ],
  options: {
    limit: { type: "string", placeholder: "<n>", description: "how many, newest first (default 50)" },
    ...clientOptions,
  },
  examples: [
    { description: "the latest deliveries", command: "skiff webhook deliveries deploy-bot 3q2-Xk…" },
    { description: "as JSON", command: "skiff webhook deliveries deploy-bot 3q2-Xk… --limit 5 --json" },
  ],
  async run({ values, positionals, context }) {
    const [name, id] = positionals as [string, string];
    if (values.limit !== undefined && !/^[1-9]\d*$/.test(values.limit)) {
      throw new CliError(`--limit ${values.limit} is not a positive number`, "e.g. --limit 20");
    }
    return withClient(context, values.url, async (client) => {
      const limit = values.limit === undefined ? undefined : Number(values.limit);
      const deliveries = await client.listWebhookDeliveries(values.tenant, name, id, limit);
      if (values.json) context.stdout(`${JSON.stringify(deliveries)}\n`);
      else if (deliveries.length === 0) context.stdout(`No deliveries yet for webhook ${id}.\n`);
      else {
        context.stdout(
          formatTable(
            ["ID", "RECEIVED", "EVENT", "VERIFICATION", "STATUS", "ATTEMPTS", "INVOCATION"],
            deliveries.map((d) => [
              d.id,
              new Date(d.receivedAt).toISOString(),
              d.eventType ?? "-",
              d.verification === "failed" ? `failed (${d.failureReason ?? "?"})` : d.verification,
              d.status,
              String(d.attempts),
              d.invocationId ?? "-",
            ]),
          ),
        );
      }
      return 0;
    });
  },
});
