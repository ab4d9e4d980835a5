// `skiff queue consumer`: which function receives a queue's messages, in what batches, with which retries.
import { CliError } from "../../cli-error.js";
import { defineCommand } from "../../command.js";
import { parseIntegerOption } from "../../parse-args.js";
import type { QueueConsumerInfo } from "../../queue-types.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";

function describe(queue: string, consumer: QueueConsumerInfo): string {
  return (
    `Queue ${queue} is consumed by ${consumer.function}: batches of up to ${consumer.batchSize}, ` +
    `waiting up to ${consumer.maxWaitMs} ms, ${consumer.maxRetries} retries, then ` +
    `${consumer.deadLetterQueue === null ? "the function's dead letters" : `queue ${consumer.deadLetterQueue}`}.\n`
  );
}

export const queueConsumerCommand = defineCommand({
  name: "queue consumer",
  summary: "Set, show or remove a queue's consumer function",
  usage: "skiff queue consumer <queue> [<function>] [options]",
  description:
    "With a function: it receives the queue's messages in batches (Workers queue(batch), Lambda SQS records).\n" +
    "A message that fails more than --max-retries times goes to --dead-letter-queue, or without one to the\n" +
    "function's dead letters. Without a function: shows the consumer; --remove removes it.",
  positionals: [
    { name: "queue", description: "the queue", required: true },
    { name: "function", description: "the consumer function", required: false },
  ],
  options: {
    "batch-size": {
      type: "string",
      placeholder: "<n>",
      description: "messages per invocation (1-100, default 10)",
    },
    "max-wait": {
      type: "string",
      placeholder: "<ms>",
      description: "longest wait for a batch to fill (default 1000)",
    },
    "max-retries": {
      type: "string",
      placeholder: "<n>",
      description: "deliveries after the first (default 3)",
    },
    "retry-delay": {
      type: "string",
      placeholder: "<seconds>",
      description: "wait before a retry (default 0)",
    },
    concurrency: {
      type: "string",
      placeholder: "<n>",
      description: "batches at once (default: the function's concurrency)",
    },
    "dead-letter-queue": { type: "string", placeholder: "<queue>", description: "where failed messages go" },
    remove: { type: "boolean", description: "remove the queue's consumer" },
    ...clientOptions,
  },
  examples: [
    {
      description: "deliver jobs to a function",
      command: "skiff queue consumer jobs resize --batch-size 20",
    },
    {
      description: "with a dead-letter queue",
      command: "skiff queue consumer jobs resize --max-retries 5 --dead-letter-queue jobs-failed",
    },
    { description: "show the consumer", command: "skiff queue consumer jobs" },
    { description: "remove it", command: "skiff queue consumer jobs --remove" },
  ],
  async run({ values, positionals, context }) {
    const [queue, fn] = positionals as [string, string | undefined];
    if (values.remove && fn !== undefined) {
      throw new CliError("give a function or --remove, not both", `skiff queue consumer ${queue} --remove`);
    }
    const settings = {
      batchSize: parseIntegerOption("batch-size", values["batch-size"], 10),
      maxWaitMs: parseIntegerOption("max-wait", values["max-wait"], 1000),
      maxRetries: parseIntegerOption("max-retries", values["max-retries"], 3),
      retryDelaySeconds: parseIntegerOption("retry-delay", values["retry-delay"], 30),
      concurrency: parseIntegerOption("concurrency", values.concurrency, 5),
      deadLetterQueue: values["dead-letter-queue"],
    };
    const given = Object.entries(settings).filter(([, v]) => v !== undefined);
    if (fn === undefined && given.length > 0) {
      throw new CliError("settings need the consumer function", `skiff queue consumer ${queue} <function> …`);
    }
    return withClient(context, values.url, async (client) => {
      if (values.remove) {
        await client.removeQueueConsumer(values.tenant, queue);
        context.stdout(
          values.json
            ? `${JSON.stringify({ queue, removed: true })}\n`
            : `Queue ${queue} has no consumer now.\n`,
        );
        return 0;
      }
      if (fn === undefined) {
        const { consumer } = await client.getQueue(values.tenant, queue);
        if (values.json) context.stdout(`${JSON.stringify(consumer)}\n`);
        else if (consumer === null) {
          context.stdout(
            `Queue ${queue} has no consumer. Set one with: skiff queue consumer ${queue} <function>\n`,
          );
        } else context.stdout(describe(queue, consumer));
        return 0;
      }
      const consumer = await client.setQueueConsumer(values.tenant, queue, {
        function: fn,
        ...Object.fromEntries(given),
      });
      context.stdout(values.json ? `${JSON.stringify(consumer)}\n` : describe(queue, consumer));
      return 0;
    });
  },
});
