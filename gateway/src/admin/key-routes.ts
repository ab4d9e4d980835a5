// A tenant's API keys: create (the key is shown once), list (never the key or its hash) and revoke.
import type { ApiKeyRecord } from "@skiff/storage";
import { Hono } from "hono";
import { z } from "zod";
import type { AuthEnv } from "../auth.js";
import type { GatewayDeps } from "../deps.js";
import { readJsonBody } from "../json-body.js";
import { parseRequest } from "./schemas.js";

/** A key-creation body is one short field; anything much larger is not one. */
const KEY_BODY_BYTES = 4 * 1024;

export const createKeyBody = z.strictObject({ role: z.enum(["admin", "deploy", "read"]) });

/** What the API shows of a key: enough to tell keys apart and audit them, nothing that grants access. */
export interface ApiKeyView {
  id: string;
  tenant: string;
  role: ApiKeyRecord["role"];
  /** The first characters of the key, as a person sees them in their own copy. */
  prefix: string;
  createdAt: number;
  /** Written at most once a minute per key, so it may be up to a minute behind. */
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export function apiKeyView(record: ApiKeyRecord): ApiKeyView {
  return {
    id: record.id,
    tenant: record.tenantName,
    role: record.role,
    prefix: record.prefix,
    createdAt: record.createdAt,
    lastUsedAt: record.lastUsedAt,
    revokedAt: record.revokedAt,
  };
}

/**
 * Routes under `/api/v1/tenants/:tenant/keys`. Who may call them is decided with the other role rules in
 * auth.ts (`requireTenantAccess`): the operator and the tenant's `admin` keys; any key may revoke itself.
 */
export function keyRoutes(deps: Pick<GatewayDeps, "storage" | "keyCache">): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const { apiKeys } = deps.storage;

  app.post("/", async (c) => {
    const tenant = c.req.param("tenant") ?? "";
    const body = parseRequest(createKeyBody, await readJsonBody(c.req.raw, KEY_BODY_BYTES), "API key");
    const { key, record } = await apiKeys.create(tenant, body.role);
    return c.json({ key, apiKey: apiKeyView(record) }, 201);
  });

  app.get("/", async (c) => {
    const tenant = c.req.param("tenant") ?? "";
    return c.json({ keys: (await apiKeys.list(tenant)).map(apiKeyView) });
  });

  // Revoking a revoked key answers 204 again: the caller's wish (the key no longer works) holds.
  app.delete("/:id", async (c) => {
    const id = c.req.param("id");
    await apiKeys.revoke(c.req.param("tenant") ?? "", id);
    deps.keyCache?.forget(id);
    return c.body(null, 204);
  });

  return app;
}
