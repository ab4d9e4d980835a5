// Tenants, their API keys and S3 credentials, and their quotas with current usage.
import { z } from "zod";
import { epochMs } from "./common.js";

export const tenant = z
  .strictObject({ id: z.number().int(), name: z.string(), createdAt: epochMs })
  .meta({ id: "Tenant", description: "An account: owns functions, buckets, KV namespaces, secrets, keys." });

export const apiKey = z
  .strictObject({
    id: z.string(),
    tenant: z.string(),
    role: z.enum(["admin", "deploy", "read"]),
    prefix: z.string().meta({ description: "The key's first characters, to recognise it." }),
    createdAt: epochMs,
    lastUsedAt: epochMs.nullable().meta({ description: "Written at most once a minute per key." }),
    revokedAt: epochMs.nullable(),
  })
  .meta({ id: "ApiKey", description: "What the API shows of a key: never the key itself, shown once." });

export const s3Credential = z.strictObject({ accessKeyId: z.string(), createdAt: epochMs });

const limit = (description: string) => z.number().int().nullable().meta({ description });

export const tenantQuotas = z
  .strictObject({
    maxFunctions: limit("Functions the tenant may have."),
    maxIsolateMemoryMb: limit("Sum of memoryMb over the tenant's invocations running at one time."),
    maxConcurrentInvocations: limit("Invocations running at one time, over every trigger."),
    requestsPerSecond: limit("Token-bucket refill rate for HTTP requests; over it: 429 RATE_LIMITED."),
    burst: limit("Token-bucket size; default requestsPerSecond."),
    maxStoredBytes: limit("Bytes in the tenant's buckets and KV namespaces."),
    asyncEventsPerMinute: limit("Async events (async invoke, queue sends) per minute."),
    allowCodeGeneration: z
      .boolean()
      .meta({ description: "Whether tenant code may use eval / new Function." }),
  })
  .meta({ id: "TenantQuotas", description: "Per-tenant limits; null means unlimited." });

export const tenantUsage = z
  .strictObject({
    functions: z.number().int(),
    isolateMemoryMb: z.number(),
    concurrentInvocations: z.number().int(),
    storedBytes: z.number().int(),
    asyncEventsLastMinute: z.number().int(),
  })
  .meta({ id: "TenantUsage", description: "What the tenant uses now, next to its quotas." });
