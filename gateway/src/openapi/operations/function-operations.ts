// Functions: deploy, inspect, delete, versions, rollback, invoke, invocations and logs, secrets.
import { functionConfigInputSchema } from "@skiff/core";
import { z } from "zod";
import { logsQuery } from "../../admin/log-query.js";
import { deployBody, invocationsQuery, rollbackBody, secretBody } from "../../admin/schemas.js";
import type { OperationSpec } from "../operation-spec.js";
import { jsonValue } from "../schemas/common.js";
import { deployment, functionRecord, secretRecord, versionRecord } from "../schemas/functions.js";
import { invocationRecord } from "../schemas/invocations.js";
import { INVOCATION_ERRORS, INVOCATION_HEADER } from "./invocation-errors.js";
import { DEPLOY, FUNCTION, READ, TENANT } from "./paths.js";

/** `?async=` of the invoke route, which reads it by hand; described here for the document. */
const invokeQuery = z.strictObject({
  async: z
    .enum(["0", "1"])
    .optional()
    .meta({ description: "1: queue the event (202) and deliver it with retries and dead letters." }),
});

export const functionOperations: OperationSpec[] = [
  {
    method: "get",
    path: `${TENANT}/functions`,
    operationId: "listFunctions",
    summary: "List functions",
    tags: ["Functions"],
    auth: READ,
    responses: {
      200: { description: "Sorted by name.", json: z.strictObject({ functions: z.array(functionRecord) }) },
    },
    errors: [],
  },
  {
    method: "put",
    path: FUNCTION,
    operationId: "deployFunction",
    summary: "Deploy a new version and make it active",
    description:
      "Send `code` (one ES module, main `index.js` unless `main` says otherwise) or `modules` by path with `main`. `secrets` are stored with the version and never come back. A deploy lifts a quarantine.",
    tags: ["Functions"],
    auth: DEPLOY,
    body: {
      json: deployBody,
      documentAs: [
        [deployBody.shape.config.unwrap(), functionConfigInputSchema],
        [deployBody.shape.secrets.unwrap(), z.record(z.string(), z.string())],
      ],
    },
    responses: { 201: { description: "The function and its new active version.", json: deployment } },
    errors: [
      "INVALID_NAME",
      "INVALID_CONFIG",
      "INVALID_CODE",
      "CODE_TOO_LARGE",
      "QUOTA_EXCEEDED",
      "NOT_FOUND",
    ],
  },
  {
    method: "get",
    path: FUNCTION,
    operationId: "getFunction",
    summary: "Read a function and its active version",
    tags: ["Functions"],
    auth: READ,
    responses: {
      200: {
        description: "The function, with its `quarantine` when it has one.",
        json: z.strictObject({ function: functionRecord, version: versionRecord.nullable() }),
      },
    },
    errors: ["INVALID_NAME", "FUNCTION_NOT_FOUND"],
  },
  {
    method: "delete",
    path: FUNCTION,
    operationId: "deleteFunction",
    summary: "Delete a function with its versions and invocation records",
    tags: ["Functions"],
    auth: DEPLOY,
    responses: {
      200: {
        description: "Deleted.",
        json: z.strictObject({ deleted: z.literal(true), tenant: z.string(), name: z.string() }),
      },
    },
    errors: ["INVALID_NAME", "FUNCTION_NOT_FOUND"],
  },
  {
    method: "get",
    path: `${FUNCTION}/versions`,
    operationId: "listVersions",
    summary: "List a function's versions",
    tags: ["Functions"],
    auth: READ,
    responses: {
      200: {
        description: "Ascending by number.",
        json: z.strictObject({ versions: z.array(versionRecord) }),
      },
    },
    errors: ["INVALID_NAME", "FUNCTION_NOT_FOUND"],
  },
  {
    method: "post",
    path: `${FUNCTION}/rollback`,
    operationId: "rollbackFunction",
    summary: "Make an older version active again",
    tags: ["Functions"],
    auth: DEPLOY,
    body: { json: rollbackBody },
    responses: { 200: { description: "The function and the version now active.", json: deployment } },
    errors: ["INVALID_NAME", "FUNCTION_NOT_FOUND", "VERSION_NOT_FOUND"],
  },
  {
    method: "post",
    path: `${FUNCTION}/invoke`,
    operationId: "invokeFunction",
    summary: "Invoke a function with a JSON event",
    description:
      "Lambda's Invoke API. Lambda handlers get the event as is and answer their JSON return value; Workers modules get it as a JSON POST to `fetch` and answer their Response. With `?async=1` the event is stored first and delivered with retries; an `Idempotency-Key` header makes a repeat a duplicate.",
    tags: ["Invocations and logs"],
    auth: DEPLOY,
    query: invokeQuery,
    body: { json: jsonValue, description: "The event: any JSON value." },
    responses: {
      200: {
        description: "Whatever the function answered (its own status, headers and body).",
        raw: { contentType: "*/*" },
        headers: INVOCATION_HEADER,
      },
      202: {
        description: "Queued (`?async=1`); `duplicate` when the Idempotency-Key was seen.",
        json: z.strictObject({ eventId: z.string(), duplicate: z.boolean() }),
      },
    },
    errors: ["INVALID_NAME", ...INVOCATION_ERRORS],
  },
  {
    method: "get",
    path: `${FUNCTION}/invocations`,
    operationId: "listInvocations",
    summary: "List recent invocations",
    tags: ["Invocations and logs"],
    auth: READ,
    query: invocationsQuery,
    responses: {
      200: { description: "Newest first.", json: z.strictObject({ invocations: z.array(invocationRecord) }) },
    },
    errors: ["INVALID_NAME", "FUNCTION_NOT_FOUND"],
  },
  {
    method: "get",
    path: `${FUNCTION}/invocations/{id}`,
    operationId: "getInvocation",
    summary: "Read one invocation with its logs",
    description: "Only a function's most recent invocations are kept (bounded retention).",
    tags: ["Invocations and logs"],
    auth: READ,
    params: {
      id: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,128}$/)
        .meta({ description: "The invocation's id." }),
    },
    responses: {
      200: { description: "The invocation.", json: z.strictObject({ invocation: invocationRecord }) },
    },
    errors: ["INVALID_NAME", "FUNCTION_NOT_FOUND", "NOT_FOUND"],
  },
  {
    method: "get",
    path: `${FUNCTION}/logs`,
    operationId: "getLogs",
    summary: "Read logs, or follow them live",
    description:
      "Invocation records with their console lines, filtered, newest first. With `follow=1` the answer is a Server-Sent Events stream: `invocation` events (one record as JSON), `dropped` (`{dropped, total}` records this reader missed), `ready` (after the stored records `since` asked for), and `: heartbeat` comments.",
    tags: ["Invocations and logs"],
    auth: READ,
    query: logsQuery,
    responses: {
      200: {
        description: "The records (JSON), or the live stream (follow=1).",
        json: z.strictObject({ invocations: z.array(invocationRecord) }),
        raw: { contentType: "text/event-stream", description: "With follow=1." },
      },
    },
    errors: ["INVALID_NAME", "FUNCTION_NOT_FOUND"],
  },
  {
    method: "get",
    path: `${FUNCTION}/secrets`,
    operationId: "listSecrets",
    summary: "List a function's secrets",
    tags: ["Secrets"],
    auth: READ,
    responses: {
      200: {
        description: "Names and times, sorted by name.",
        json: z.strictObject({ secrets: z.array(secretRecord) }),
      },
    },
    errors: ["INVALID_NAME", "FUNCTION_NOT_FOUND"],
  },
  {
    method: "put",
    path: `${FUNCTION}/secrets/{secret}`,
    operationId: "putSecret",
    summary: "Create or replace a secret",
    description: "The function's warm isolates are dropped, so the next invocation sees the new value.",
    tags: ["Secrets"],
    auth: DEPLOY,
    body: { json: secretBody },
    responses: {
      200: { description: "Replaced.", json: z.strictObject({ secret: secretRecord }) },
      201: { description: "Created.", json: z.strictObject({ secret: secretRecord }) },
    },
    errors: ["INVALID_NAME", "INVALID_CONFIG", "FUNCTION_NOT_FOUND"],
  },
  {
    method: "delete",
    path: `${FUNCTION}/secrets/{secret}`,
    operationId: "deleteSecret",
    summary: "Delete a secret",
    tags: ["Secrets"],
    auth: DEPLOY,
    responses: {
      200: { description: "Deleted.", json: z.strictObject({ deleted: z.literal(true), name: z.string() }) },
    },
    errors: ["INVALID_NAME", "FUNCTION_NOT_FOUND", "NOT_FOUND"],
  },
];
