// One admin API operation described as data: what the OpenAPI document, the reference page and the drift test
// read. The routes themselves stay plain Hono handlers; this describes them with the zod schemas they validate with.
import type { ErrorCode } from "@skiff/core";
import type { z } from "zod";

export type HttpMethod = "get" | "put" | "post" | "delete" | "patch";

/** Key roles of a tenant, least to most powerful. */
export type TenantRole = "read" | "deploy" | "admin";

/**
 * Who may call an operation: nobody needs a key (`public`), only the operator key (`operator`), or a key of the
 * tenant in the path with at least `role` (the operator key too).
 */
export type OperationAuth = "public" | "operator" | { tenant: TenantRole };

/** A body or answer that is not JSON: bytes, a stream, whatever a function answers. */
export interface RawContent {
  contentType: string;
  description?: string;
}

/** One answer of an operation: its JSON shape, or raw content, or nothing (204). */
export interface ResponseSpec {
  description: string;
  /** The JSON body, validated against real answers by the conformance test. */
  json?: z.ZodType;
  raw?: RawContent;
  /** Response headers worth knowing, by name. */
  headers?: Record<string, string>;
}

/**
 * Schemas that validate with `z.unknown()` or `z.custom()` and check the value elsewhere (a config parser, a
 * filter-policy parser) are documented as the shape that check accepts: the validating schema's node, and the
 * schema to show in its place.
 */
export type DocumentAs = ReadonlyArray<readonly [z.ZodType, z.ZodType]>;

export interface OperationSpec {
  method: HttpMethod;
  /** The full path in OpenAPI form, `/api/v1/tenants/{tenant}/functions/{name}`. */
  path: string;
  /** A path parameter that takes the rest of the path, slashes included (Hono's `*`). */
  wildcard?: string;
  /** Unique, camelCase: the name a generated client would give the call. */
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  auth: OperationAuth;
  /** Schemas of path parameters other than the common ones (`path-params.ts`). */
  params?: Record<string, z.ZodType>;
  /** The query the route validates; each field is one query parameter. */
  query?: z.ZodObject;
  /** The request body: JSON validated by `json` (`optional` when an empty body is accepted too), or raw bytes. */
  body?:
    | { json: z.ZodType; documentAs?: DocumentAs; description?: string; optional?: boolean }
    | { raw: RawContent };
  /** Answers by status. */
  responses: Record<number, ResponseSpec>;
  /** Platform errors this operation answers beyond those every operation may (401, 403, 500, 503). */
  errors: ErrorCode[];
}
