// `skiff queue send`: one message into a queue.
import { defineCommand } from "../../command.js";
import { parseIntegerOption } from "../../parse-args.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";
import { parseAttributes, parseBody } from "./message-input.js";

export const queueSendCommand = defineCommand({
  name: "queue send",
  summary: "Send a message to a queue",
  usage: "skiff queue send <queue> <body> [options]",
  description:
    "The body is JSON unless --text says to send it as a string. The message is stored before the command\n" +
    "returns; the queue's consumer gets it in its next batch.",
  positionals: [
    { name: "queue", description: "the queue", required: true },
    { name: "body", description: "the message body: JSON, or text with --text", required: true },
  ],
  options: {
    text: { type: "boolean", description: "send the body as a plain string" },
    delay: { type: "string", placeholder: "<seconds>", description: "deliver no sooner than this (≤ 43200)" },
    group: { type: "string", placeholder: "<id>", description: "the message group (ordered queues)" },
    "dedup-id": {
      type: "string",
      placeholder: "<id>",
      description: "drop a resend with this id within 5 minutes",
    },
    attribute: {
      type: "string",
      multiple: true,
      placeholder: "<name=value>",
      description: "a message attribute (repeatable)",
    },
    ...clientOptions,
  },
  examples: [
    { description: "a JSON job", command: `skiff queue send jobs '{"resize":"cat.png"}'` },
    { description: "text, in 60 seconds", command: "skiff queue send jobs 'hello' --text --delay 60" },
    {
      description: "into a group of an ordered queue",
      command: `skiff queue send orders '{"step":2}' --group order-42 --dedup-id order-42-2`,
    },
  ],
  async run({ values, positionals, context }) {
    const [queue, argument] = positionals as [string, string];
    const body = parseBody(argument, values.text, "message body");
    const delaySeconds = parseIntegerOption("delay", values.delay, 60);
    const attributes = parseAttributes(values.attribute);
    return withClient(context, values.url, async (client) => {
      const [sent] = await client.sendQueueMessages(values.tenant, queue, [
        {
          body,
          ...(values.text ? { contentType: "text" as const } : {}),
          ...(delaySeconds === undefined ? {} : { delaySeconds }),
          ...(values.group === undefined ? {} : { groupId: values.group }),
          ...(values["dedup-id"] === undefined ? {} : { deduplicationId: values["dedup-id"] }),
          ...(attributes === undefined ? {} : { attributes }),
        },
      ]);
      context.stdout(
        values.json
          ? `${JSON.stringify(sent)}\n`
          : sent?.duplicate
            ? `Not sent again: message ${sent.id} was sent with that dedup id within 5 minutes.\n`
            : `Sent message ${sent?.id} to queue ${queue}.\n`,
      );
      return 0;
    });
  },
});
