// Queues with their backlog and consumer, topics with their subscriptions, and what sends and publishes answer.
import { z } from "zod";
import { epochMs, jsonValue } from "./common.js";

export const queueConsumer = z
  .strictObject({
    function: z.string(),
    batchSize: z.number().int(),
    maxWaitMs: z.number().int(),
    maxRetries: z.number().int(),
    retryDelaySeconds: z.number().int(),
    concurrency: z.number().int().nullable().meta({ description: "null: the function's own concurrency." }),
    deadLetterQueue: z.string().nullable(),
    updatedAt: epochMs,
  })
  .meta({
    id: "QueueConsumer",
    description: "The one function that receives a queue's messages in batches.",
  });

export const queue = z
  .strictObject({
    tenant: z.string(),
    name: z.string(),
    ordered: z.boolean(),
    maxMessageBytes: z.number().int(),
    retentionSeconds: z.number().int(),
    createdAt: epochMs,
    depth: z.number().int().meta({ description: "Messages not yet delivered, in flight included." }),
    inFlight: z.number().int(),
    delayed: z.number().int(),
    oldestMessageAt: epochMs.nullable(),
    oldestMessageAgeMs: z.number().nullable(),
    consumer: queueConsumer.nullable(),
  })
  .meta({ id: "Queue", description: "A queue with its backlog and consumer." });

export const sentMessage = z.strictObject({
  id: z.string(),
  duplicate: z
    .boolean()
    .meta({ description: "A deduplication id seen within 5 minutes: the first one's id." }),
});

/** An SNS-style condition of a filter policy (core's `FilterCondition`). */
const exact = z.union([z.string(), z.number()]);
const filterCondition = z.union([
  exact,
  z.strictObject({ prefix: z.string() }),
  z.strictObject({
    numeric: z.union([
      z.tuple([z.enum(["=", "<", "<=", ">", ">="]), z.number()]),
      z.tuple([z.enum([">", ">="]), z.number(), z.enum(["<", "<="]), z.number()]),
    ]),
  }),
  z.strictObject({
    "anything-but": z.union([exact, z.array(exact), z.strictObject({ prefix: z.string() })]),
  }),
  z.strictObject({ exists: z.boolean() }),
]);

export const filterPolicy = z.record(z.string(), z.array(filterCondition)).meta({
  id: "FilterPolicy",
  description: "Attribute name → conditions; every name must match, a name matches when any condition does.",
});

/** Message attributes (SNS String, Number and String.Array as plain JSON). */
export const messageAttributes = z
  .record(
    z.string(),
    z.union([z.string(), z.number(), z.array(z.union([z.string(), z.number(), z.boolean(), z.null()]))]),
  )
  .meta({ id: "MessageAttributes", description: "What filter policies match on; at most 10." });

export const topic = z
  .strictObject({
    tenant: z.string(),
    name: z.string(),
    createdAt: epochMs,
    subscriptions: z.number().int().meta({ description: "How many subscriptions it has." }),
  })
  .meta({ id: "Topic", description: "A topic that fans publications out to its subscriptions." });

export const subscription = z
  .strictObject({
    id: z.string(),
    topic: z.string(),
    function: z.string().nullable(),
    queue: z.string().nullable(),
    filterPolicy: filterPolicy.nullable(),
    createdAt: epochMs,
  })
  .meta({
    id: "Subscription",
    description: "A function or a queue subscribed to a topic; exactly one is set.",
  });

export const publishResult = z.strictObject({
  messageId: z.string(),
  deliveries: z.number().int().meta({ description: "Deliveries enqueued: one per matching subscription." }),
});

/** A queued message's body as sent: any JSON value (text as a string, bytes as base64). */
export const messageBody = jsonValue;
