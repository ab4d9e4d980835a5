// A function's webhook receivers, their deliveries, and replay.
import { z } from "zod";
import { limitQuery } from "../../admin/schemas.js";
import { createWebhookBody } from "../../admin/webhook-routes.js";
import type { OperationSpec } from "../operation-spec.js";
import { webhookDelivery, webhookEndpoint, webhookRequest } from "../schemas/webhooks.js";
import { INVOCATION_ERRORS, INVOCATION_HEADER } from "./invocation-errors.js";
import { DEPLOY, FUNCTION, READ } from "./paths.js";

const WEBHOOK = `${FUNCTION}/webhooks/{id}`;
const webhookId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/)
  .meta({ description: "The webhook's id." });

export const webhookOperations: OperationSpec[] = [
  {
    method: "post",
    path: `${FUNCTION}/webhooks`,
    operationId: "createWebhook",
    summary: "Create a webhook receiver",
    description:
      "Requests to its public URL `/hooks/{id}` are verified with the provider's signature scheme, then delivered to the function (async: stored first and retried; sync: the function's answer is the sender's).",
    tags: ["Webhooks"],
    auth: DEPLOY,
    body: { json: createWebhookBody },
    responses: { 201: { description: "The receiver.", json: z.strictObject({ webhook: webhookEndpoint }) } },
    errors: ["INVALID_NAME", "FUNCTION_NOT_FOUND"],
  },
  {
    method: "get",
    path: `${FUNCTION}/webhooks`,
    operationId: "listWebhooks",
    summary: "List webhook receivers",
    tags: ["Webhooks"],
    auth: READ,
    responses: {
      200: {
        description: "The function's receivers.",
        json: z.strictObject({ webhooks: z.array(webhookEndpoint) }),
      },
    },
    errors: ["INVALID_NAME", "FUNCTION_NOT_FOUND"],
  },
  {
    method: "delete",
    path: WEBHOOK,
    operationId: "deleteWebhook",
    summary: "Delete a webhook receiver",
    tags: ["Webhooks"],
    auth: DEPLOY,
    params: { id: webhookId },
    responses: {
      200: { description: "Deleted.", json: z.strictObject({ deleted: z.literal(true), id: z.string() }) },
    },
    errors: ["INVALID_NAME", "NOT_FOUND"],
  },
  {
    method: "get",
    path: `${WEBHOOK}/deliveries`,
    operationId: "listWebhookDeliveries",
    summary: "List a receiver's deliveries",
    tags: ["Webhooks"],
    auth: READ,
    params: { id: webhookId },
    query: limitQuery,
    responses: {
      200: { description: "Newest first.", json: z.strictObject({ deliveries: z.array(webhookDelivery) }) },
    },
    errors: ["INVALID_NAME", "NOT_FOUND"],
  },
  {
    method: "get",
    path: `${WEBHOOK}/deliveries/{delivery}`,
    operationId: "getWebhookDelivery",
    summary: "Read one delivery with its stored request",
    tags: ["Webhooks"],
    auth: READ,
    params: { id: webhookId },
    responses: {
      200: {
        description: "The delivery and the request as received.",
        json: z.strictObject({ delivery: webhookDelivery, request: webhookRequest }),
      },
    },
    errors: ["INVALID_NAME", "NOT_FOUND"],
  },
  {
    method: "post",
    path: `${WEBHOOK}/deliveries/{delivery}/replay`,
    operationId: "replayWebhookDelivery",
    summary: "Replay a verified delivery against the current version",
    tags: ["Webhooks"],
    auth: DEPLOY,
    params: { id: webhookId },
    responses: {
      200: {
        description: "Whatever the function answered.",
        raw: { contentType: "*/*" },
        headers: INVOCATION_HEADER,
      },
    },
    errors: ["INVALID_NAME", "NOT_FOUND", "CONFLICT", ...INVOCATION_ERRORS],
  },
];
