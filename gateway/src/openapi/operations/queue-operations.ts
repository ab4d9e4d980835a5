// Queues (create, send, consumer) and topics (subscriptions, publish).
import { QUEUE_LIMITS } from "@skiff/core";
import { z } from "zod";
import { consumerBody, createQueueBody } from "../../admin/queue-routes.js";
import { createTopicBody, subscriptionBody } from "../../admin/topic-routes.js";
import { messageSchema, publishSchema } from "../../queues/outgoing-message.js";
import type { OperationSpec } from "../operation-spec.js";
import { deleted } from "../schemas/common.js";
import {
  filterPolicy,
  messageAttributes,
  publishResult,
  queue,
  queueConsumer,
  sentMessage,
  subscription,
  topic,
} from "../schemas/queues.js";
import { DEPLOY, READ, TENANT } from "./paths.js";

const QUEUE = `${TENANT}/queues/{queue}`;
const TOPIC = `${TENANT}/topics/{topic}`;

/** A send is one message, or `{"messages": [...]}`; the route tells them apart by the `messages` key. */
const sendBody = z.union([
  messageSchema,
  z.strictObject({ messages: z.array(messageSchema).min(1).max(QUEUE_LIMITS.sendBatchMessages) }),
]);

export const queueOperations: OperationSpec[] = [
  {
    method: "post",
    path: `${TENANT}/queues`,
    operationId: "createQueue",
    summary: "Create a queue",
    tags: ["Queues"],
    auth: DEPLOY,
    body: { json: createQueueBody },
    responses: { 201: { description: "The queue.", json: z.strictObject({ queue }) } },
    errors: ["INVALID_NAME", "CONFLICT"],
  },
  {
    method: "get",
    path: `${TENANT}/queues`,
    operationId: "listQueues",
    summary: "List queues with their backlog",
    tags: ["Queues"],
    auth: READ,
    responses: { 200: { description: "Sorted by name.", json: z.strictObject({ queues: z.array(queue) }) } },
    errors: [],
  },
  {
    method: "get",
    path: QUEUE,
    operationId: "getQueue",
    summary: "Read a queue with its backlog",
    tags: ["Queues"],
    auth: READ,
    responses: { 200: { description: "The queue.", json: z.strictObject({ queue }) } },
    errors: ["NOT_FOUND"],
  },
  {
    method: "delete",
    path: QUEUE,
    operationId: "deleteQueue",
    summary: "Delete a queue with its messages",
    tags: ["Queues"],
    auth: DEPLOY,
    responses: { 200: { description: "Deleted.", json: deleted("name") } },
    errors: ["NOT_FOUND", "CONFLICT"],
  },
  {
    method: "post",
    path: `${QUEUE}/messages`,
    operationId: "sendQueueMessages",
    summary: "Send messages",
    description: `One message, or up to ${QUEUE_LIMITS.sendBatchMessages} as \`{"messages": [...]}\`, stored all or none.`,
    tags: ["Queues"],
    auth: DEPLOY,
    body: { json: sendBody, documentAs: [[messageSchema.shape.attributes.unwrap(), messageAttributes]] },
    responses: {
      202: {
        description: "Stored, in send order.",
        json: z.strictObject({ messages: z.array(sentMessage) }),
      },
    },
    errors: ["NOT_FOUND", "PAYLOAD_TOO_LARGE", "RATE_LIMITED"],
  },
  {
    method: "put",
    path: `${QUEUE}/consumer`,
    operationId: "setQueueConsumer",
    summary: "Set the queue's consumer function",
    tags: ["Queues"],
    auth: DEPLOY,
    body: { json: consumerBody },
    responses: { 200: { description: "The consumer.", json: z.strictObject({ consumer: queueConsumer }) } },
    errors: ["NOT_FOUND", "FUNCTION_NOT_FOUND"],
  },
  {
    method: "get",
    path: `${QUEUE}/consumer`,
    operationId: "getQueueConsumer",
    summary: "Read the queue's consumer",
    tags: ["Queues"],
    auth: READ,
    responses: { 200: { description: "The consumer.", json: z.strictObject({ consumer: queueConsumer }) } },
    errors: ["NOT_FOUND"],
  },
  {
    method: "delete",
    path: `${QUEUE}/consumer`,
    operationId: "removeQueueConsumer",
    summary: "Remove the queue's consumer",
    tags: ["Queues"],
    auth: DEPLOY,
    responses: { 200: { description: "Removed.", json: deleted("queue") } },
    errors: ["NOT_FOUND"],
  },
  {
    method: "post",
    path: `${TENANT}/topics`,
    operationId: "createTopic",
    summary: "Create a topic",
    tags: ["Topics"],
    auth: DEPLOY,
    body: { json: createTopicBody },
    responses: { 201: { description: "The topic.", json: z.strictObject({ topic }) } },
    errors: ["INVALID_NAME", "CONFLICT"],
  },
  {
    method: "get",
    path: `${TENANT}/topics`,
    operationId: "listTopics",
    summary: "List topics",
    tags: ["Topics"],
    auth: READ,
    responses: {
      200: { description: "The tenant's topics.", json: z.strictObject({ topics: z.array(topic) }) },
    },
    errors: [],
  },
  {
    method: "get",
    path: TOPIC,
    operationId: "getTopic",
    summary: "Read a topic with its subscriptions",
    tags: ["Topics"],
    auth: READ,
    responses: {
      200: {
        description: "The topic and its subscriptions.",
        json: z.strictObject({ topic, subscriptions: z.array(subscription) }),
      },
    },
    errors: ["NOT_FOUND"],
  },
  {
    method: "delete",
    path: TOPIC,
    operationId: "deleteTopic",
    summary: "Delete a topic",
    tags: ["Topics"],
    auth: DEPLOY,
    responses: { 200: { description: "Deleted.", json: deleted("name") } },
    errors: ["NOT_FOUND"],
  },
  {
    method: "post",
    path: `${TOPIC}/subscriptions`,
    operationId: "subscribeToTopic",
    summary: "Subscribe a function or a queue",
    tags: ["Topics"],
    auth: DEPLOY,
    body: {
      json: subscriptionBody,
      documentAs: [[subscriptionBody.shape.filterPolicy.unwrap(), filterPolicy]],
    },
    responses: { 201: { description: "The subscription.", json: z.strictObject({ subscription }) } },
    errors: ["NOT_FOUND", "FUNCTION_NOT_FOUND"],
  },
  {
    method: "get",
    path: `${TOPIC}/subscriptions`,
    operationId: "listSubscriptions",
    summary: "List a topic's subscriptions",
    tags: ["Topics"],
    auth: READ,
    responses: {
      200: {
        description: "The subscriptions.",
        json: z.strictObject({ subscriptions: z.array(subscription) }),
      },
    },
    errors: ["NOT_FOUND"],
  },
  {
    method: "delete",
    path: `${TOPIC}/subscriptions/{id}`,
    operationId: "unsubscribe",
    summary: "Delete a subscription",
    tags: ["Topics"],
    auth: DEPLOY,
    responses: { 200: { description: "Deleted.", json: deleted("id") } },
    errors: ["NOT_FOUND"],
  },
  {
    method: "post",
    path: `${TOPIC}/publish`,
    operationId: "publishToTopic",
    summary: "Publish a message",
    description: "One delivery per subscription whose filter policy matches, stored in one transaction.",
    tags: ["Topics"],
    auth: DEPLOY,
    body: { json: publishSchema, documentAs: [[publishSchema.shape.attributes.unwrap(), messageAttributes]] },
    responses: { 202: { description: "Stored.", json: publishResult } },
    errors: ["NOT_FOUND", "PAYLOAD_TOO_LARGE", "RATE_LIMITED"],
  },
];
