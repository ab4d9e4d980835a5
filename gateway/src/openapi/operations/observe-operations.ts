// Usage and cost per tenant, and the runtime's workers for the operator.
import { usageQuery, usageReportSchema } from "../../usage/usage-schema.js";
import type { OperationSpec } from "../operation-spec.js";
import { backlogReport } from "../schemas/backlog.js";
import { runtimeStats } from "../schemas/runtime.js";
import { API, READ, TENANT } from "./paths.js";

export const observeOperations: OperationSpec[] = [
  {
    method: "get",
    path: `${TENANT}/usage`,
    operationId: "getUsage",
    summary: "Read usage per function over a time range",
    description:
      "Requests, errors, cold starts, wall and CPU ms, GB-seconds and egress per function and in total, counted per UTC hour; with `estimatedCost` when the operator set a price table. `from` (default: the start of this UTC month) and `to` (default: now): epoch ms, ISO 8601, or a duration back from now (`24h`).",
    tags: ["Usage"],
    auth: READ,
    query: usageQuery,
    responses: { 200: { description: "The usage report.", json: usageReportSchema } },
    errors: [],
  },
  {
    method: "get",
    path: `${API}/runtime`,
    operationId: "getRuntimeStats",
    summary: "Read the runtime workers' state",
    tags: ["Runtime"],
    auth: "operator",
    responses: { 200: { description: "Each worker with its isolate cache.", json: runtimeStats } },
    errors: ["NOT_FOUND"],
  },
  {
    method: "get",
    path: `${API}/backlog`,
    operationId: "getBacklog",
    summary: "Read the async backlog of every tenant",
    description: "Undelivered async events and queue messages with the age of the oldest, and dead letters.",
    tags: ["Runtime"],
    auth: "operator",
    responses: { 200: { description: "The backlog, counted now.", json: backlogReport } },
    errors: [],
  },
];
