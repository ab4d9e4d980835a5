// `skiff topic create`: a topic that fans messages out to its subscriptions.
import { defineCommand } from "../../command.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";

export const topicCreateCommand = defineCommand({
  name: "topic create",
  summary: "Create a topic",
  usage: "skiff topic create <name> [options]",
  description:
    "A message published to the topic is delivered once to every subscription (a function or a queue) whose\n" +
    "filter policy matches its attributes.",
  positionals: [{ name: "name", description: "the topic's name (a-z, 0-9, '-')", required: true }],
  options: { ...clientOptions },
  examples: [{ description: "a topic for order events", command: "skiff topic create orders" }],
  async run({ values, positionals, context }) {
    const name = positionals[0] as string;
    return withClient(context, values.url, async (client) => {
      const topic = await client.createTopic(values.tenant, name);
      context.stdout(
        values.json
          ? `${JSON.stringify(topic)}\n`
          : `Created topic ${topic.name} in tenant ${values.tenant}.\n` +
              `  skiff topic subscribe ${topic.name} --function <function>\n`,
      );
      return 0;
    });
  },
});
