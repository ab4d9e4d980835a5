// Cron triggers (list, replace, history, run now) and the dead letters of async delivery.
import { z } from "zod";
import { limitQuery } from "../../admin/schemas.js";
import { runBody, triggersBody } from "../../admin/trigger-routes.js";
import type { OperationSpec } from "../operation-spec.js";
import { deployment } from "../schemas/functions.js";
import { deadLetter, runResult, triggerInfo, triggerRun } from "../schemas/triggers.js";
import { DEPLOY, FUNCTION, READ } from "./paths.js";

const eventId = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,128}$/)
  .meta({ description: "The event's id (stable across retries and redrives)." });

export const triggerOperations: OperationSpec[] = [
  {
    method: "get",
    path: `${FUNCTION}/triggers`,
    operationId: "listTriggers",
    summary: "List cron triggers with their next runs",
    tags: ["Triggers"],
    auth: READ,
    responses: {
      200: {
        description: "The active version's triggers.",
        json: z.strictObject({ version: z.number().int().nullable(), triggers: z.array(triggerInfo) }),
      },
    },
    errors: ["INVALID_NAME", "FUNCTION_NOT_FOUND"],
  },
  {
    method: "put",
    path: `${FUNCTION}/triggers`,
    operationId: "setTriggers",
    summary: "Replace the cron triggers",
    description:
      "Versions are immutable: this deploys a new version with the same code and the new triggers.",
    tags: ["Triggers"],
    auth: DEPLOY,
    body: { json: triggersBody },
    responses: { 201: { description: "The function and its new version.", json: deployment } },
    errors: ["INVALID_NAME", "INVALID_CONFIG", "FUNCTION_NOT_FOUND"],
  },
  {
    method: "get",
    path: `${FUNCTION}/triggers/runs`,
    operationId: "listTriggerRuns",
    summary: "Read the cron run history",
    tags: ["Triggers"],
    auth: READ,
    query: limitQuery,
    responses: {
      200: { description: "Newest claim first.", json: z.strictObject({ runs: z.array(triggerRun) }) },
    },
    errors: ["INVALID_NAME", "FUNCTION_NOT_FOUND"],
  },
  {
    method: "post",
    path: `${FUNCTION}/triggers/run`,
    operationId: "runTriggers",
    summary: "Fire cron triggers now",
    description: "No body (or `{}`) fires every trigger; `cron` fires that one (wrangler's `/__scheduled`).",
    tags: ["Triggers"],
    auth: DEPLOY,
    body: { json: runBody, optional: true },
    responses: {
      200: {
        description: "One result per trigger fired.",
        json: z.strictObject({ runs: z.array(runResult) }),
      },
    },
    errors: ["INVALID_NAME", "FUNCTION_NOT_FOUND", "NOT_FOUND"],
  },
  {
    method: "get",
    path: `${FUNCTION}/dead-letters`,
    operationId: "listDeadLetters",
    summary: "List dead letters",
    tags: ["Dead letters"],
    auth: READ,
    query: limitQuery,
    responses: {
      200: { description: "Newest first.", json: z.strictObject({ deadLetters: z.array(deadLetter) }) },
    },
    errors: ["INVALID_NAME", "FUNCTION_NOT_FOUND"],
  },
  {
    method: "post",
    path: `${FUNCTION}/dead-letters/{id}/redrive`,
    operationId: "redriveDeadLetter",
    summary: "Put a dead letter back into the queue",
    description: "Same id, payload and idempotency key; attempts reset; due now.",
    tags: ["Dead letters"],
    auth: DEPLOY,
    params: { id: eventId },
    responses: {
      200: {
        description: "Redriven.",
        json: z.strictObject({ redriven: z.literal(true), id: z.string() }),
      },
    },
    errors: ["INVALID_NAME", "FUNCTION_NOT_FOUND", "NOT_FOUND"],
  },
  {
    method: "delete",
    path: `${FUNCTION}/dead-letters/{id}`,
    operationId: "deleteDeadLetter",
    summary: "Delete a dead letter",
    tags: ["Dead letters"],
    auth: DEPLOY,
    params: { id: eventId },
    responses: {
      200: { description: "Deleted.", json: z.strictObject({ deleted: z.literal(true), id: z.string() }) },
    },
    errors: ["INVALID_NAME", "FUNCTION_NOT_FOUND", "NOT_FOUND"],
  },
];
