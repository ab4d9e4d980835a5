// Tenant management, for the operator only: create a tenant (with its first API key) and list tenants.
import { assertValidName } from "@skiff/core";
import { Hono } from "hono";
import { type AuthEnv, requireOperator } from "../auth.js";
import type { GatewayDeps } from "../deps.js";
import { readJsonBody } from "../json-body.js";
import { createTenantBody, parseRequest } from "./schemas.js";

/** A tenant-creation body is tiny; anything much larger is not one. */
const TENANT_BODY_BYTES = 16 * 1024;

/** Routes under `/api/v1/tenants`. */
export function tenantRoutes(deps: Pick<GatewayDeps, "storage">): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  app.post("/", requireOperator, async (c) => {
    const body = parseRequest(createTenantBody, await readJsonBody(c.req.raw, TENANT_BODY_BYTES), "tenant");
    assertValidName("tenant", body.name);
    // One transaction: a tenant never exists without the key that lets its owner in.
    const { tenant, key } = await deps.storage.tenants.createWithKey(body.name, "admin");
    return c.json({ tenant, apiKey: key }, 201);
  });

  app.get("/", requireOperator, async (c) => c.json({ tenants: await deps.storage.tenants.list() }));

  return app;
}
