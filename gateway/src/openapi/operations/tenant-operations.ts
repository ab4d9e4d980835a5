// Tenants (operator only), their API keys, quotas, S3 credentials and quarantined functions.
import { z } from "zod";
import { createKeyBody } from "../../admin/key-routes.js";
import { quotaPatch } from "../../admin/quota-routes.js";
import { createTenantBody } from "../../admin/schemas.js";
import type { OperationSpec } from "../operation-spec.js";
import { deleted } from "../schemas/common.js";
import { quarantineRecord } from "../schemas/functions.js";
import { apiKey, s3Credential, tenant, tenantQuotas, tenantUsage } from "../schemas/tenants.js";
import { ADMIN, API, DEPLOY, READ, TENANT } from "./paths.js";

export const tenantOperations: OperationSpec[] = [
  {
    method: "post",
    path: `${API}/tenants`,
    operationId: "createTenant",
    summary: "Create a tenant and its first admin API key",
    tags: ["Tenants"],
    auth: "operator",
    body: { json: createTenantBody },
    responses: {
      201: {
        description: "The tenant, and its admin key (shown this once).",
        json: z.strictObject({ tenant, apiKey: z.string() }),
      },
    },
    errors: ["INVALID_NAME", "CONFLICT"],
  },
  {
    method: "get",
    path: `${API}/tenants`,
    operationId: "listTenants",
    summary: "List tenants",
    tags: ["Tenants"],
    auth: "operator",
    responses: { 200: { description: "Every tenant.", json: z.strictObject({ tenants: z.array(tenant) }) } },
    errors: [],
  },
  {
    method: "post",
    path: `${TENANT}/keys`,
    operationId: "createApiKey",
    summary: "Create an API key",
    description: "The key is in this answer only; the server keeps its hash.",
    tags: ["API keys"],
    auth: ADMIN,
    body: { json: createKeyBody },
    responses: {
      201: { description: "The new key and its record.", json: z.strictObject({ key: z.string(), apiKey }) },
    },
    errors: [],
  },
  {
    method: "get",
    path: `${TENANT}/keys`,
    operationId: "listApiKeys",
    summary: "List API keys",
    description: "Newest first, revoked keys included; never the keys themselves.",
    tags: ["API keys"],
    auth: ADMIN,
    responses: {
      200: { description: "The tenant's keys.", json: z.strictObject({ keys: z.array(apiKey) }) },
    },
    errors: [],
  },
  {
    method: "delete",
    path: `${TENANT}/keys/{id}`,
    operationId: "revokeApiKey",
    summary: "Revoke an API key",
    description:
      "Needs an admin key, except that any key may revoke itself. Revoking a revoked key succeeds.",
    tags: ["API keys"],
    auth: ADMIN,
    responses: { 204: { description: "Revoked." } },
    errors: ["NOT_FOUND"],
  },
  {
    method: "get",
    path: `${TENANT}/quotas`,
    operationId: "getQuotas",
    summary: "Read the tenant's quotas and current usage",
    tags: ["Quotas"],
    auth: READ,
    responses: {
      200: {
        description: "Quotas (null: unlimited) and what the tenant uses now.",
        json: z.strictObject({ quotas: tenantQuotas, usage: tenantUsage }),
      },
    },
    errors: [],
  },
  {
    method: "put",
    path: `${TENANT}/quotas`,
    operationId: "setQuotas",
    summary: "Change some of the tenant's quotas",
    description: "Fields left out keep their value; null means unlimited.",
    tags: ["Quotas"],
    auth: "operator",
    body: { json: quotaPatch },
    responses: {
      200: { description: "Every quota, after the change.", json: z.strictObject({ quotas: tenantQuotas }) },
    },
    errors: [],
  },
  {
    method: "post",
    path: `${TENANT}/s3-credentials`,
    operationId: "createS3Credential",
    summary: "Issue an S3 access key",
    description: "The secret is in this answer only. The key signs S3 requests (SigV4) for this tenant.",
    tags: ["S3 credentials"],
    auth: DEPLOY,
    responses: {
      201: {
        description: "The access key id and its secret.",
        json: z.strictObject({ accessKeyId: z.string(), secretAccessKey: z.string() }),
      },
    },
    errors: [],
  },
  {
    method: "get",
    path: `${TENANT}/s3-credentials`,
    operationId: "listS3Credentials",
    summary: "List S3 access keys",
    tags: ["S3 credentials"],
    auth: READ,
    responses: {
      200: {
        description: "Ids and times only.",
        json: z.strictObject({ credentials: z.array(s3Credential) }),
      },
    },
    errors: [],
  },
  {
    method: "delete",
    path: `${TENANT}/s3-credentials/{id}`,
    operationId: "revokeS3Credential",
    summary: "Revoke an S3 access key",
    tags: ["S3 credentials"],
    auth: DEPLOY,
    responses: { 200: { description: "Revoked.", json: deleted("accessKeyId") } },
    errors: ["NOT_FOUND"],
  },
  {
    method: "get",
    path: `${TENANT}/quarantines`,
    operationId: "listQuarantines",
    summary: "List quarantined functions",
    description:
      "Functions stopped after crashing their runtime worker repeatedly; a deploy or rollback lifts it.",
    tags: ["Functions"],
    auth: READ,
    responses: {
      200: {
        description: "By function name.",
        json: z.strictObject({ quarantines: z.array(quarantineRecord) }),
      },
    },
    errors: [],
  },
  {
    method: "delete",
    path: `${TENANT}/functions/{name}/quarantine`,
    operationId: "liftQuarantine",
    summary: "Lift a function's quarantine",
    tags: ["Functions"],
    auth: "operator",
    responses: {
      200: {
        description: "Whether there was a quarantine to lift.",
        json: z.strictObject({ lifted: z.boolean(), tenant: z.string(), name: z.string() }),
      },
    },
    errors: ["FUNCTION_NOT_FOUND"],
  },
];
