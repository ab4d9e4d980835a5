// The API's own description: the OpenAPI document and its reference page, readable without a key.
import type { OperationSpec } from "../operation-spec.js";
import { API } from "./paths.js";

export const referenceOperations: OperationSpec[] = [
  {
    method: "get",
    path: `${API}/openapi.json`,
    operationId: "getOpenApiDocument",
    summary: "This document",
    tags: ["Reference"],
    auth: "public",
    responses: {
      200: { description: "The admin API as OpenAPI 3.1.", raw: { contentType: "application/json" } },
    },
    errors: [],
  },
  {
    method: "get",
    path: `${API}/docs`,
    operationId: "getReferencePage",
    summary: "The reference page",
    description: "Every operation with its parameters, bodies, answers and schemas, as one HTML page.",
    tags: ["Reference"],
    auth: "public",
    responses: { 200: { description: "An HTML page.", raw: { contentType: "text/html" } } },
    errors: [],
  },
];
