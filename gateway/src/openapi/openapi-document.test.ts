import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { JsonSchema } from "./json-schema.js";
import { buildOpenApiDocument, ERROR_SCHEMA_REF, operationErrors } from "./openapi-document.js";
import type { OperationSpec } from "./operation-spec.js";
import { ADMIN_OPERATIONS } from "./registry.js";

const document = buildOpenApiDocument(ADMIN_OPERATIONS, "1.0.0");

/** Every `$ref` anywhere in `value`. */
function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refsIn(item, found);
  else if (typeof value === "object" && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === "$ref" && typeof inner === "string") found.push(inner);
      else refsIn(inner, found);
    }
  }
  return found;
}

function operationOf(method: string, path: string): JsonSchema {
  const op = document.paths[path]?.[method];
  if (op === undefined) throw new Error(`no ${method} ${path} in the document`);
  return op;
}

describe("the admin API's OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("would be refused by the validator if it were malformed", async () => {
    const broken = structuredClone(document) as unknown as { paths: Record<string, unknown> };
    broken.paths["/api/v1/broken"] = { get: { responses: { 200: { content: "not a media map" } } } };
    const result = await new Validator().validate(broken as never);
    expect(result.valid).toBe(false);
  });

  it("has every $ref pointing at a component it defines", () => {
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(50);
    const missing = refs.filter((ref) => {
      const name = ref.replace(/^#\/components\/schemas\//, "");
      return name === ref || document.components.schemas[name] === undefined;
    });
    expect(missing).toEqual([]);
  });

  it("gives operations unique ids", () => {
    const ids = ADMIN_OPERATIONS.map((spec) => spec.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("describes request bodies from the routes' own zod schemas", () => {
    const deploy = operationOf("put", "/api/v1/tenants/{tenant}/functions/{name}");
    const schema = (deploy.requestBody as JsonSchema & { content: Record<string, { schema: JsonSchema }> })
      .content["application/json"]?.schema as JsonSchema & { properties: Record<string, JsonSchema> };
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties).sort()).toEqual(["code", "config", "main", "modules", "secrets"]);
    // config is checked by core's parser, so the document shows the shape that parser accepts.
    const config = schema.properties.config as { properties: Record<string, JsonSchema> };
    expect(config.properties.memoryMb).toMatchObject({ type: "integer", minimum: 16, maximum: 2048 });
    // modules validate with z.custom (no __proto__) piped into a record: the record is what is shown.
    expect(schema.properties.modules).toMatchObject({ type: "object", additionalProperties: {} });
  });

  it("turns a query schema into one parameter per field, with the input shape", () => {
    const logs = operationOf("get", "/api/v1/tenants/{tenant}/functions/{name}/logs");
    const parameters = logs.parameters as Array<{
      name: string;
      in: string;
      required: boolean;
      schema: JsonSchema;
    }>;
    expect(parameters.map((p) => `${p.in}:${p.name}:${p.required}`)).toEqual([
      "path:tenant:true",
      "path:name:true",
      "query:since:false",
      "query:level:false",
      "query:outcome:false",
      "query:limit:false",
      "query:follow:false",
    ]);
    // The query carries strings; the route turns limit into a number after validating it as digits.
    expect(parameters.find((p) => p.name === "limit")?.schema).toMatchObject({
      type: "string",
      pattern: "^\\d+$",
    });
  });

  it("answers errors with the DESIGN §5 error schema, grouped by status", () => {
    const get = operationOf("get", "/api/v1/tenants/{tenant}/functions/{name}");
    const responses = get.responses as Record<string, { description: string; content?: unknown }>;
    expect(responses["404"]?.description).toBe("FUNCTION_NOT_FOUND, TENANT_NOT_FOUND");
    expect(responses["401"]?.content).toEqual({ "application/json": { schema: { $ref: ERROR_SCHEMA_REF } } });
    const error = document.components.schemas.Error as { properties: { error: JsonSchema } };
    expect(error.properties.error).toMatchObject({ required: ["code", "message"] });
  });

  it("names shared response shapes as components", () => {
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(["Function", "Version", "Invocation", "Tenant", "ApiKey", "Queue", "JsonValue"]),
    );
    const list = operationOf("get", "/api/v1/tenants/{tenant}/functions/{name}/invocations");
    expect(JSON.stringify(list.responses)).toContain('"#/components/schemas/Invocation"');
  });

  it("marks the public operations as needing no key and the others by who may call them", () => {
    expect(operationOf("get", "/api/v1/openapi.json").security).toEqual([]);
    expect(operationOf("get", "/api/v1/tenants")["x-skiff-auth"]).toBe("operator");
    expect(operationOf("get", "/api/v1/tenants/{tenant}/keys")["x-skiff-auth"]).toBe("tenant:admin");
    expect(document.security).toEqual([{ bearerKey: [] }]);
  });
});

describe("buildOpenApiDocument", () => {
  const base: OperationSpec = {
    method: "get",
    path: "/api/v1/things/{thing}",
    operationId: "getThing",
    summary: "Get a thing",
    tags: ["Things"],
    auth: "operator",
    responses: { 200: { description: "ok", json: z.strictObject({ ok: z.boolean() }) } },
    errors: [],
  };

  it("refuses a path parameter it has no schema for", () => {
    expect(() => buildOpenApiDocument([base], "1")).toThrow('no schema for the path parameter "thing"');
  });

  it("refuses one method and path described twice", () => {
    const spec = { ...base, path: "/api/v1/things" };
    expect(() => buildOpenApiDocument([spec, { ...spec, operationId: "again" }], "1")).toThrow(
      "described twice",
    );
  });

  it("refuses two different schemas under one component name", () => {
    const a = z.strictObject({ a: z.string() }).meta({ id: "Thing" });
    const b = z.strictObject({ b: z.string() }).meta({ id: "Thing" });
    const spec = { ...base, path: "/api/v1/things", responses: { 200: { description: "x", json: a } } };
    const other = {
      ...spec,
      method: "post" as const,
      operationId: "other",
      responses: { 200: { description: "x", json: b } },
    };
    expect(() => buildOpenApiDocument([spec, other], "1")).toThrow('two different schemas are named "Thing"');
  });

  it("adds the errors implied by auth, tenant path and input", () => {
    const codes = operationErrors({
      ...base,
      path: "/api/v1/tenants/{tenant}/x",
      auth: { tenant: "read" },
      body: { json: z.strictObject({}) },
    });
    expect(codes).toEqual([
      "FORBIDDEN",
      "INTERNAL_ERROR",
      "INVALID_JSON",
      "INVALID_NAME",
      "INVALID_REQUEST",
      "METADATA_UNAVAILABLE",
      "PAYLOAD_TOO_LARGE",
      "TENANT_NOT_FOUND",
      "UNAUTHORIZED",
    ]);
  });
});
