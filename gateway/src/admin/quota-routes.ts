// A tenant's quotas and what it uses of them: anyone with access to the tenant may read, only the operator set.
import type { TenantUsage } from "@skiff/core";
import { Hono } from "hono";
import { z } from "zod";
import { type AuthEnv, requireOperator } from "../auth.js";
import type { GatewayDeps } from "../deps.js";
import { readJsonBody } from "../json-body.js";
import { parseRequest } from "./schemas.js";

type QuotaDeps = Pick<GatewayDeps, "storage" | "runtime" | "routes" | "limiter">;

const QUOTA_BODY_BYTES = 16 * 1024;

const count = (minimum: number) => z.number().int().min(minimum).max(Number.MAX_SAFE_INTEGER).nullable();

/** A partial change of a tenant's quotas; null means unlimited, a field left out keeps its value. */
export const quotaPatch = z.strictObject({
  maxFunctions: count(0).optional(),
  maxIsolateMemoryMb: count(0).optional(),
  maxConcurrentInvocations: count(0).optional(),
  requestsPerSecond: count(0).optional(),
  burst: count(1).optional(),
  maxStoredBytes: count(0).optional(),
  asyncEventsPerMinute: count(0).optional(),
  allowCodeGeneration: z.boolean().optional(),
});

/** Routes under `/api/v1/tenants/:tenant/quotas`; the tenant is already authorised and known to exist. */
export function quotaRoutes(deps: QuotaDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const { storage, runtime, routes, limiter } = deps;

  app.get("/", async (c) => {
    const tenant = c.req.param("tenant") ?? "";
    const live = limiter.usage(tenant);
    const usage: TenantUsage = {
      functions: (await storage.functions.list(tenant)).length,
      isolateMemoryMb: live.isolateMemoryMb,
      concurrentInvocations: live.concurrentInvocations,
      storedBytes: await storage.usage.storedBytes(tenant),
      asyncEventsLastMinute: live.asyncEventsLastMinute,
    };
    return c.json({ quotas: limiter.quotas(tenant), usage });
  });

  app.put("/", requireOperator, async (c) => {
    const tenant = c.req.param("tenant") ?? "";
    const patch = parseRequest(quotaPatch, await readJsonBody(c.req.raw, QUOTA_BODY_BYTES), "quotas");
    const before = limiter.quotas(tenant);
    // Stored first: memory never enforces a quota that a restart would forget.
    const quotas = await storage.tenantQuotas.set(
      tenant,
      Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)),
    );
    limiter.setQuotas(tenant, quotas);
    if (quotas.allowCodeGeneration !== before.allowCodeGeneration) {
      // Isolates compiled under the old policy must not serve another request.
      for (const replaced of routes.refreshPolicy(tenant)) runtime.evict(replaced.id);
      await routes.followed();
    }
    return c.json({ quotas });
  });

  return app;
}
