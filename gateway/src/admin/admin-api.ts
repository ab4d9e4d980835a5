// The admin API under /api/v1: bearer auth, then tenant management and each tenant's resources.
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { type AuthEnv, bearerAuth, requireTenantAccess } from "../auth.js";
import type { GatewayDeps } from "../deps.js";
import { referenceRoutes } from "../openapi/reference-routes.js";
import { backlogRoutes } from "./backlog-routes.js";
import { bucketRoutes } from "./bucket-routes.js";
import { deadLetterRoutes } from "./dead-letter-routes.js";
import { functionRoutes } from "./function-routes.js";
import { invokeRoute } from "./invoke-route.js";
import { keyRoutes } from "./key-routes.js";
import { KnownTenants } from "./known-tenants.js";
import { kvRoutes } from "./kv-routes.js";
import { logRoutes } from "./log-routes.js";
import { quarantineRoutes } from "./quarantine-routes.js";
import { queueRoutes } from "./queue-routes.js";
import { quotaRoutes } from "./quota-routes.js";
import { runtimeRoutes } from "./runtime-routes.js";
import { s3CredentialRoutes } from "./s3-credential-routes.js";
import { secretRoutes } from "./secret-routes.js";
import { tenantRoutes } from "./tenant-routes.js";
import { topicRoutes } from "./topic-routes.js";
import { triggerRoutes } from "./trigger-routes.js";
import { usageRoutes } from "./usage-routes.js";
import { webhookRoutes } from "./webhook-routes.js";

/** Routes mounted at `/api/v1`. All but the API's description need a key; tenant resources that tenant's or the operator's. */
export function adminApi(deps: GatewayDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  // Before the bearer auth: the API's own description is public.
  app.route("/", referenceRoutes());
  app.use(
    "*",
    bearerAuth({
      adminToken: deps.adminToken,
      apiKeys: deps.storage.apiKeys,
      now: deps.now,
      logger: deps.logger,
      cache: deps.keyCache,
    }),
  );

  // Access is checked before existence, so that a tenant key can not probe which other tenants exist.
  // Tenants are never deleted, so one found is remembered (bounded): a busy client costs no lookup per request.
  const knownTenants = new KnownTenants(deps.storage.tenants);
  const tenantExists = createMiddleware<AuthEnv>(async (c, next) => {
    await knownTenants.require(c.req.param("tenant") ?? "");
    return next();
  });
  app.use("/tenants/:tenant/*", requireTenantAccess, tenantExists);

  app.route("/tenants", tenantRoutes(deps));
  app.route("/runtime", runtimeRoutes(deps));
  app.route("/backlog", backlogRoutes(deps));
  app.route("/tenants/:tenant/functions", invokeRoute(deps));
  app.route("/tenants/:tenant/functions", triggerRoutes(deps));
  app.route("/tenants/:tenant/functions", deadLetterRoutes(deps));
  app.route("/tenants/:tenant/functions", functionRoutes(deps));
  app.route("/tenants/:tenant/functions", logRoutes(deps));
  app.route("/tenants/:tenant/functions", secretRoutes(deps));
  app.route("/tenants/:tenant/functions", webhookRoutes(deps));
  app.route("/tenants/:tenant/buckets", bucketRoutes(deps));
  app.route("/tenants/:tenant/kv", kvRoutes(deps));
  app.route("/tenants/:tenant/queues", queueRoutes(deps));
  app.route("/tenants/:tenant/topics", topicRoutes(deps));
  app.route("/tenants/:tenant/s3-credentials", s3CredentialRoutes(deps));
  app.route("/tenants/:tenant/quotas", quotaRoutes(deps));
  app.route("/tenants/:tenant", quarantineRoutes(deps));
  app.route("/tenants/:tenant/keys", keyRoutes(deps));
  app.route("/tenants/:tenant/usage", usageRoutes(deps));
  return app;
}
