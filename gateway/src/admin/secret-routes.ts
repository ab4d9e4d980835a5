// A function's secrets: set, list (names and times only) and delete; each change reaches the routing table at once.
import { assertValidName, assertValidSecretName } from "@skiff/core";
import { type Context, Hono } from "hono";
import type { AuthEnv } from "../auth.js";
import type { GatewayDeps } from "../deps.js";
import { readJsonBody } from "../json-body.js";
import { parseRequest, secretBody } from "./schemas.js";

type SecretDeps = Pick<GatewayDeps, "storage" | "runtime" | "routes" | "locks">;

/** A 5 KB value with every character escaped as `\uXXXX` is 30 KB of JSON. */
const SECRET_BODY_BYTES = 64 * 1024;

function target(c: Context<AuthEnv>): { tenant: string; name: string } {
  const tenant = c.req.param("tenant") ?? "";
  const name = c.req.param("name") ?? "";
  assertValidName("function", name);
  return { tenant, name };
}

/**
 * Routes under `/api/v1/tenants/:tenant/functions/:name/secrets`. Values go in, never out: answers carry names
 * and times. A change replaces the routed version's secrets and drops its warm isolates, whose `env` was built
 * with the old values; the data plane never reads secrets from the database.
 */
export function secretRoutes(deps: SecretDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const { storage, runtime, routes, locks } = deps;

  async function refreshRoute(tenant: string, name: string): Promise<void> {
    const updated = routes.setSecrets(tenant, name, await storage.secrets.reveal(tenant, name));
    if (updated === undefined) return;
    runtime.evict(updated.id);
    await routes.followed();
  }

  app.get("/:name/secrets", async (c) => {
    const { tenant, name } = target(c);
    return c.json({ secrets: await storage.secrets.list(tenant, name) });
  });

  app.put("/:name/secrets/:secret", async (c) => {
    const { tenant, name } = target(c);
    const secretName = c.req.param("secret");
    assertValidSecretName(secretName);
    const body = parseRequest(secretBody, await readJsonBody(c.req.raw, SECRET_BODY_BYTES), "secret");
    const { secret, created } = await locks.run(`${tenant}/${name}`, async () => {
      const result = await storage.secrets.put(tenant, name, secretName, body.value);
      await refreshRoute(tenant, name);
      return result;
    });
    return c.json({ secret }, created ? 201 : 200);
  });

  app.delete("/:name/secrets/:secret", async (c) => {
    const { tenant, name } = target(c);
    const secretName = c.req.param("secret");
    await locks.run(`${tenant}/${name}`, async () => {
      await storage.secrets.delete(tenant, name, secretName);
      await refreshRoute(tenant, name);
    });
    return c.json({ deleted: true, name: secretName });
  });

  return app;
}
