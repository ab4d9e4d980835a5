// `skiff topic subscribe`: a function or a queue that receives a topic's messages, optionally filtered.
import { CliError } from "../../cli-error.js";
import { defineCommand } from "../../command.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";

export const topicSubscribeCommand = defineCommand({
  name: "topic subscribe",
  summary: "Subscribe a function or a queue to a topic",
  usage: "skiff topic subscribe <topic> (--function <f> | --queue <q>) [--filter-policy <json>] [options]",
  description:
    "A filter policy (SNS's attribute subset) lets through only messages whose attributes match: exact\n" +
    'values, {"prefix"}, {"numeric": [">", 10, "<=", 20]}, {"anything-but"} and {"exists"}; every named\n' +
    "attribute must match one of its conditions.",
  positionals: [{ name: "topic", description: "the topic", required: true }],
  options: {
    function: { type: "string", placeholder: "<function>", description: "deliver to this function" },
    queue: { type: "string", placeholder: "<queue>", description: "deliver into this queue" },
    "filter-policy": { type: "string", placeholder: "<json>", description: "only matching messages" },
    ...clientOptions,
  },
  examples: [
    { description: "every message to a function", command: "skiff topic subscribe orders --function audit" },
    {
      description: "only large EU orders, into a queue",
      command: `skiff topic subscribe orders --queue eu-orders --filter-policy '{"region":[{"prefix":"eu-"}],"total":[{"numeric":[">=",100]}]}'`,
    },
  ],
  async run({ values, positionals, context }) {
    const topic = positionals[0] as string;
    if ((values.function === undefined) === (values.queue === undefined)) {
      throw new CliError(
        "give --function or --queue (one of them)",
        `skiff topic subscribe ${topic} --function <f>`,
      );
    }
    let filterPolicy: unknown;
    if (values["filter-policy"] !== undefined) {
      try {
        filterPolicy = JSON.parse(values["filter-policy"]);
      } catch {
        throw new CliError("--filter-policy is not JSON", `e.g. --filter-policy '{"color":["red"]}'`);
      }
    }
    return withClient(context, values.url, async (client) => {
      const subscription = await client.subscribeToTopic(values.tenant, topic, {
        ...(values.function === undefined ? {} : { function: values.function }),
        ...(values.queue === undefined ? {} : { queue: values.queue }),
        ...(filterPolicy === undefined ? {} : { filterPolicy }),
      });
      const target =
        subscription.function === null ? `queue ${subscription.queue}` : `function ${subscription.function}`;
      context.stdout(
        values.json
          ? `${JSON.stringify(subscription)}\n`
          : `Subscribed ${target} to topic ${topic} (subscription ${subscription.id}).\n`,
      );
      return 0;
    });
  },
});
