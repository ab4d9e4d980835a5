// `skiff webhook replay`: runs the function's current version again with a stored delivery's request.
import { defineCommand } from "../../command.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";

const utf8 = new TextDecoder();

export const webhookReplayCommand = defineCommand({
  name: "webhook replay",
  summary: "Replay a stored webhook delivery",
  usage: "skiff webhook replay <function> <id> <delivery> [options]",
  description:
    "Sends the stored request (method, headers, raw body) to the function's current version now and prints\n" +
    "its response; the run is recorded as a new invocation. Only verified deliveries can be replayed.",
  positionals: [
    { name: "function", description: "the function", required: true },
    { name: "id", description: "the webhook's id", required: true },
    { name: "delivery", description: "the delivery's id (see skiff webhook deliveries)", required: true },
  ],
  options: { ...clientOptions },
  examples: [
    {
      description: "re-run a delivery after fixing a bug",
      command: "skiff webhook replay deploy-bot 3q2-Xk… d_81…",
    },
    {
      description: "see status and headers as JSON",
      command: "skiff webhook replay deploy-bot 3q2-Xk… d_81… --json",
    },
  ],
  async run({ values, positionals, context }) {
    const [name, id, delivery] = positionals as [string, string, string];
    return withClient(context, values.url, async (client) => {
      const answer = await client.replayWebhookDelivery(values.tenant, name, id, delivery);
      if (values.json) {
        const shown = { status: answer.status, headers: answer.headers, body: utf8.decode(answer.body) };
        context.stdout(`${JSON.stringify(shown)}\n`);
      } else {
        context.stdout(answer.body);
      }
      if (answer.status < 200 || answer.status >= 300) context.stderr(`HTTP ${answer.status}\n`);
      return answer.status >= 500 ? 1 : 0;
    });
  },
});
