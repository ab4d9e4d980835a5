// `skiff webhook ls`: a function's webhook receivers.
import { defineCommand } from "../../command.js";
import { formatTable } from "../../format-table.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";

export const webhookLsCommand = defineCommand({
  name: "webhook ls",
  summary: "List a function's webhook receivers",
  usage: "skiff webhook ls <function> [options]",
  positionals: [{ name: "function", description: "the function", required: true }],
  options: { ...clientOptions },
  examples: [
    { description: "list the receivers of deploy-bot", command: "skiff webhook ls deploy-bot" },
    { description: "as JSON, for scripts", command: "skiff webhook ls deploy-bot --json" },
  ],
  async run({ values, positionals, context }) {
    const name = positionals[0] as string;
    return withClient(context, values.url, async (client) => {
      const webhooks = await client.listWebhooks(values.tenant, name);
      if (values.json) context.stdout(`${JSON.stringify(webhooks)}\n`);
      else if (webhooks.length === 0) {
        context.stdout(
          `No webhooks for ${name}. Create one with: skiff webhook create ${name} --provider <p> --secret <s>\n`,
        );
      } else {
        context.stdout(
          formatTable(
            ["ID", "PROVIDER", "MODE", "URL"],
            webhooks.map((w) => [w.id, w.provider, w.mode, w.url]),
          ),
        );
      }
      return 0;
    });
  },
});
