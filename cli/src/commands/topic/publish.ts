// `skiff topic publish`: one message to every matching subscription of a topic.
import { defineCommand } from "../../command.js";
import { clientOptions } from "../client-options.js";
import { parseAttributes, parseBody } from "../queue/message-input.js";
import { withClient } from "../with-client.js";

export const topicPublishCommand = defineCommand({
  name: "topic publish",
  summary: "Publish a message to a topic",
  usage: "skiff topic publish <topic> <message> [--attribute name=value …] [options]",
  description:
    "The message is JSON unless --text says to send it as a string. Its attributes decide which\n" +
    "subscriptions' filter policies match; every matching subscription gets it, or none does.",
  positionals: [
    { name: "topic", description: "the topic", required: true },
    { name: "message", description: "the message: JSON, or text with --text", required: true },
  ],
  options: {
    text: { type: "boolean", description: "send the message as a plain string" },
    attribute: {
      type: "string",
      multiple: true,
      placeholder: "<name=value>",
      description: "a message attribute (repeatable; numbers become Number attributes)",
    },
    group: { type: "string", placeholder: "<id>", description: "the group for ordered queue subscribers" },
    ...clientOptions,
  },
  examples: [
    {
      description: "an order event for the subscribers interested in EU orders",
      command: `skiff topic publish orders '{"id":42}' --attribute region=eu-west --attribute total=99.5`,
    },
  ],
  async run({ values, positionals, context }) {
    const [topic, argument] = positionals as [string, string];
    const message = parseBody(argument, values.text, "message");
    const attributes = parseAttributes(values.attribute);
    return withClient(context, values.url, async (client) => {
      const published = await client.publishToTopic(values.tenant, topic, {
        message,
        ...(attributes === undefined ? {} : { attributes }),
        ...(values.group === undefined ? {} : { groupId: values.group }),
      });
      context.stdout(
        values.json
          ? `${JSON.stringify(published)}\n`
          : `Published message ${published.messageId} to topic ${topic}: ${published.deliveries} ` +
              `${published.deliveries === 1 ? "delivery" : "deliveries"}.\n`,
      );
      return 0;
    });
  },
});
