// The admin API's OpenAPI 3.1 document, built from the operation registry: every schema in it comes from the zod
// schemas the routes validate with (requests) or the conformance test checks answers against (responses).
import { ERROR_STATUS, type ErrorCode } from "@skiff/core";
import { type JsonSchema, JsonSchemaConverter } from "./json-schema.js";
import type { OperationAuth, OperationSpec, ResponseSpec } from "./operation-spec.js";
import { PATH_PARAMS } from "./path-params.js";
import { errorBody } from "./schemas/error.js";

export type OpenApiDocument = {
  openapi: "3.1.0";
  info: { title: string; version: string; description: string };
  tags: Array<{ name: string }>;
  security: Array<Record<string, string[]>>;
  paths: Record<string, Record<string, JsonSchema>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
};

const DESCRIPTION = [
  "JSON over HTTP under `/api/v1`. Authenticate with `Authorization: Bearer <key>`: the operator key",
  "(`SKIFF_ADMIN_TOKEN`) manages tenants and may do everything; a tenant's API keys reach only that tenant, by",
  "role — `read` (GET), `deploy` (everything but API keys), `admin` (everything in the tenant).",
  'Errors are `{"error": {"code", "message", "invocationId"?, "details"?}}` with the status of their code.',
].join(" ");

/** The `$ref` every error answer points at. */
export const ERROR_SCHEMA_REF = "#/components/schemas/Error";

/** A path parameter's names in order: `/a/{x}/b/{y}` → x, y. */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string);
}

/** Who may call, in words, for the description and the reference page. */
export function authText(auth: OperationAuth): string {
  if (auth === "public") return "No key needed.";
  if (auth === "operator") return "The operator key only.";
  return `A ${auth.tenant} key of the tenant, or any stronger one (${rolesFrom(auth.tenant)}), or the operator key.`;
}

function rolesFrom(role: "read" | "deploy" | "admin"): string {
  const roles = ["read", "deploy", "admin"];
  return roles.slice(roles.indexOf(role)).join(", ");
}

/** The platform errors an operation may answer: its own, plus those implied by its auth, path and input. */
export function operationErrors(spec: OperationSpec): ErrorCode[] {
  const codes = new Set<ErrorCode>(spec.errors);
  if (spec.auth !== "public") {
    codes.add("UNAUTHORIZED");
    codes.add("FORBIDDEN");
    codes.add("INTERNAL_ERROR");
    codes.add("METADATA_UNAVAILABLE");
  }
  if (spec.path.includes("{tenant}")) {
    codes.add("TENANT_NOT_FOUND");
    codes.add("INVALID_NAME");
  }
  if (spec.query !== undefined || spec.body !== undefined) codes.add("INVALID_REQUEST");
  if (spec.body !== undefined && "json" in spec.body) {
    codes.add("INVALID_JSON");
    codes.add("PAYLOAD_TOO_LARGE");
  }
  return [...codes].sort();
}

/**
 * Builds the document. Throws for a path parameter without a schema or two operations on one method and path,
 * so a registry mistake fails the tests, not a client.
 */
export function buildOpenApiDocument(operations: readonly OperationSpec[], version: string): OpenApiDocument {
  const converter = new JsonSchemaConverter();
  const errorRef = converter.convert(errorBody, "output");
  if (errorRef.$ref !== ERROR_SCHEMA_REF) throw new Error("the error schema is not the Error component");

  const paths: OpenApiDocument["paths"] = {};
  for (const spec of operations) {
    const item = paths[spec.path] ?? {};
    paths[spec.path] = item;
    if (item[spec.method] !== undefined) throw new Error(`${spec.method} ${spec.path} is described twice`);
    item[spec.method] = describeOperation(spec, converter);
  }

  const tags = [...new Set(operations.flatMap((spec) => spec.tags))].map((name) => ({ name }));
  return {
    openapi: "3.1.0",
    info: { title: "Skiff admin API", version, description: DESCRIPTION },
    tags,
    security: [{ bearerKey: [] }],
    paths,
    components: {
      schemas: converter.components,
      securitySchemes: {
        bearerKey: {
          type: "http",
          scheme: "bearer",
          description: "The operator key (SKIFF_ADMIN_TOKEN) or a tenant's API key.",
        },
      },
    },
  };
}

function describeOperation(spec: OperationSpec, converter: JsonSchemaConverter): JsonSchema {
  const operation: JsonSchema = {
    operationId: spec.operationId,
    summary: spec.summary,
    description: [spec.description, `Auth: ${authText(spec.auth)}`].filter(Boolean).join("\n\n"),
    tags: spec.tags,
    "x-skiff-auth":
      spec.auth === "public" || spec.auth === "operator" ? spec.auth : `tenant:${spec.auth.tenant}`,
  };
  if (spec.auth === "public") operation.security = [];

  const parameters: JsonSchema[] = pathParamNames(spec.path).map((name) => {
    const schema = spec.params?.[name] ?? PATH_PARAMS[name];
    if (schema === undefined)
      throw new Error(`${spec.method} ${spec.path}: no schema for the path parameter "${name}"`);
    return parameter(name, "path", true, converter.convert(schema, "input"));
  });
  for (const [name, field] of Object.entries(spec.query?.shape ?? {})) {
    const required = !(field as { safeParse(v: unknown): { success: boolean } }).safeParse(undefined).success;
    parameters.push(parameter(name, "query", required, converter.convert(field as never, "input")));
  }
  if (parameters.length > 0) operation.parameters = parameters;

  if (spec.body !== undefined) {
    operation.requestBody =
      "json" in spec.body
        ? {
            required: spec.body.optional !== true,
            ...(spec.body.description === undefined ? {} : { description: spec.body.description }),
            content: {
              "application/json": {
                schema: converter.convert(spec.body.json, "input", spec.body.documentAs),
              },
            },
          }
        : {
            required: true,
            ...(spec.body.raw.description === undefined ? {} : { description: spec.body.raw.description }),
            content: { [spec.body.raw.contentType]: {} },
          };
  }

  const responses: JsonSchema = {};
  for (const [status, response] of Object.entries(spec.responses)) {
    responses[status] = describeResponse(response, converter);
  }
  for (const [status, codes] of errorsByStatus(operationErrors(spec))) {
    responses[String(status)] = {
      description: codes.join(", "),
      content: { "application/json": { schema: { $ref: ERROR_SCHEMA_REF } } },
    };
  }
  operation.responses = responses;
  return operation;
}

function parameter(name: string, where: "path" | "query", required: boolean, schema: JsonSchema): JsonSchema {
  const { description, ...rest } = schema;
  return {
    name,
    in: where,
    required,
    ...(typeof description === "string" ? { description } : {}),
    schema: rest,
  };
}

function describeResponse(response: ResponseSpec, converter: JsonSchemaConverter): JsonSchema {
  const content: JsonSchema = {};
  if (response.json !== undefined)
    content["application/json"] = { schema: converter.convert(response.json, "output") };
  if (response.raw !== undefined) content[response.raw.contentType] = {};
  const description = [response.description, response.raw?.description].filter(Boolean).join(" ");
  return {
    description,
    ...(response.headers === undefined
      ? {}
      : {
          headers: Object.fromEntries(
            Object.entries(response.headers).map(([name, text]) => [
              name,
              { description: text, schema: { type: "string" } },
            ]),
          ),
        }),
    ...(Object.keys(content).length === 0 ? {} : { content }),
  };
}

function errorsByStatus(codes: ErrorCode[]): Map<number, ErrorCode[]> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return new Map([...byStatus].sort(([a], [b]) => a - b));
}
