// `skiff webhook rm`: deletes a webhook receiver; its URL answers 404 from then on.
import { defineCommand } from "../../command.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";

export const webhookRmCommand = defineCommand({
  name: "webhook rm",
  summary: "Delete a webhook receiver",
  usage: "skiff webhook rm <function> <id> [options]",
  description: "Its URL stops accepting requests at once, and its deliveries log is deleted with it.",
  positionals: [
    { name: "function", description: "the function", required: true },
    { name: "id", description: "the webhook's id (see skiff webhook ls)", required: true },
  ],
  options: { ...clientOptions },
  examples: [{ description: "delete a receiver", command: "skiff webhook rm deploy-bot 3q2-Xk…" }],
  async run({ values, positionals, context }) {
    const [name, id] = positionals as [string, string];
    return withClient(context, values.url, async (client) => {
      await client.deleteWebhook(values.tenant, name, id);
      context.stdout(values.json ? `${JSON.stringify({ deleted: true, id })}\n` : `Deleted webhook ${id}.\n`);
      return 0;
    });
  },
});
