// A tenant's S3 access keys: issue (the secret is shown once), list (ids only) and revoke.
import { Hono } from "hono";
import type { AuthEnv } from "../auth.js";
import type { GatewayDeps } from "../deps.js";

type S3CredentialDeps = Pick<GatewayDeps, "storage" | "now">;

/**
 * Routes under `/api/v1/tenants/:tenant/s3-credentials`. A key signs S3 requests (AWS Signature V4) for its
 * tenant only; its secret is answered once, at creation, and never again.
 */
export function s3CredentialRoutes(deps: S3CredentialDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const { storage } = deps;

  app.post("/", async (c) => {
    const tenant = c.req.param("tenant") ?? "";
    const { accessKeyId, secretAccessKey } = await storage.s3Credentials.create(tenant, deps.now());
    return c.json({ accessKeyId, secretAccessKey }, 201);
  });

  app.get("/", async (c) => {
    const tenant = c.req.param("tenant") ?? "";
    const credentials = await storage.s3Credentials.list(tenant);
    return c.json({
      credentials: credentials.map(({ accessKeyId, createdAt }) => ({ accessKeyId, createdAt })),
    });
  });

  app.delete("/:id", async (c) => {
    const tenant = c.req.param("tenant") ?? "";
    const accessKeyId = c.req.param("id");
    await storage.s3Credentials.revoke(tenant, accessKeyId);
    return c.json({ deleted: true, accessKeyId });
  });

  return app;
}
