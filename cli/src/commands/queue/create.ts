// `skiff queue create`: a queue in the tenant, standard or ordered.
import { defineCommand } from "../../command.js";
import { parseIntegerOption } from "../../parse-args.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";

export const queueCreateCommand = defineCommand({
  name: "queue create",
  summary: "Create a queue",
  usage: "skiff queue create <name> [--ordered] [options]",
  description:
    "Messages wait in the queue until its consumer function takes them in batches (skiff queue consumer).\n" +
    "An ordered queue keeps the send order of each message group (messages carry a group id) and delivers\n" +
    "one batch per group at a time; different groups are delivered side by side.",
  positionals: [{ name: "name", description: "the queue's name (a-z, 0-9, '-')", required: true }],
  options: {
    ordered: { type: "boolean", description: "keep each message group in send order" },
    "max-message-bytes": {
      type: "string",
      placeholder: "<bytes>",
      description: "largest message (1024-1048576, default 262144)",
    },
    retention: {
      type: "string",
      placeholder: "<seconds>",
      description: "how long an undelivered message is kept (default 4 days)",
    },
    ...clientOptions,
  },
  examples: [
    { description: "a queue for background jobs", command: "skiff queue create jobs" },
    {
      description: "an ordered queue for a stream of events",
      command: "skiff queue create orders --ordered",
    },
  ],
  async run({ values, positionals, context }) {
    const name = positionals[0] as string;
    const maxMessageBytes = parseIntegerOption("max-message-bytes", values["max-message-bytes"], 65536);
    const retentionSeconds = parseIntegerOption("retention", values.retention, 86400);
    return withClient(context, values.url, async (client) => {
      const queue = await client.createQueue(values.tenant, name, {
        ...(values.ordered ? { ordered: true } : {}),
        ...(maxMessageBytes === undefined ? {} : { maxMessageBytes }),
        ...(retentionSeconds === undefined ? {} : { retentionSeconds }),
      });
      context.stdout(
        values.json
          ? `${JSON.stringify(queue)}\n`
          : `Created ${queue.ordered ? "ordered " : ""}queue ${queue.name} in tenant ${values.tenant}.\n` +
              `  skiff queue consumer ${queue.name} <function>\n`,
      );
      return 0;
    });
  },
});
