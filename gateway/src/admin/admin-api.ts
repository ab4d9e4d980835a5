// The admin API under /api/v1: bearer auth, then tenant management and each tenant's resources.
import { assertValidName, SkiffError } from "@skiff/core";
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { type AuthEnv, bearerAuth, requireTenantAccess } from "../auth.js";
import type { GatewayDeps } from "../deps.js";
import { bucketRoutes } from "./bucket-routes.js";
import { deadLetterRoutes } from "./dead-letter-routes.js";
import { functionRoutes } from "./function-routes.js";
import { invokeRoute } from "./invoke-route.js";
import { kvRoutes } from "./kv-routes.js";
import { s3CredentialRoutes } from "./s3-credential-routes.js";
import { secretRoutes } from "./secret-routes.js";
import { tenantRoutes } from "./tenant-routes.js";
import { triggerRoutes } from "./trigger-routes.js";
import { webhookRoutes } from "./webhook-routes.js";

/** Routes mounted at `/api/v1`. Every one needs a key; tenant resources need that tenant's key or the operator's. */
export function adminApi(deps: GatewayDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.use(
    "*",
    bearerAuth({
      adminToken: deps.adminToken,
      apiKeys: deps.storage.apiKeys,
      now: deps.now,
      logger: deps.logger,
    }),
  );

  // Access is checked before existence, so that a tenant key can not probe which other tenants exist.
  const tenantExists = createMiddleware<AuthEnv>(async (c, next) => {
    const tenant = c.req.param("tenant") ?? "";
    assertValidName("tenant", tenant);
    if ((await deps.storage.tenants.get(tenant)) === undefined) {
      throw new SkiffError("TENANT_NOT_FOUND", `tenant "${tenant}" does not exist`);
    }
    return next();
  });
  app.use("/tenants/:tenant/*", requireTenantAccess, tenantExists);

  app.route("/tenants", tenantRoutes(deps));
  app.route("/tenants/:tenant/functions", invokeRoute(deps));
  app.route("/tenants/:tenant/functions", triggerRoutes(deps));
  app.route("/tenants/:tenant/functions", deadLetterRoutes(deps));
  app.route("/tenants/:tenant/functions", functionRoutes(deps));
  app.route("/tenants/:tenant/functions", secretRoutes(deps));
  app.route("/tenants/:tenant/functions", webhookRoutes(deps));
  app.route("/tenants/:tenant/buckets", bucketRoutes(deps));
  app.route("/tenants/:tenant/kv", kvRoutes(deps));
  app.route("/tenants/:tenant/s3-credentials", s3CredentialRoutes(deps));
  return app;
}
