// A function's webhook receivers: create (a public `/hooks/{id}` URL), list, delete; their deliveries log, one
// delivery with its stored request, and replay of a delivery against the function's current version.
import { assertValidName, SkiffError } from "@skiff/core";
import type { StoredWebhookRequest, WebhookEndpoint } from "@skiff/storage";
import { Hono } from "hono";
import { Webhook } from "standardwebhooks";
import { z } from "zod";
import type { AuthEnv } from "../auth.js";
import { runInvocation } from "../data-plane/run-invocation.js";
import type { GatewayDeps } from "../deps.js";
import { readJsonBody } from "../json-body.js";
import { webhookEvent } from "../webhooks/webhook-event.js";
import { limitQuery, parseRequest } from "./schemas.js";

type WebhookRouteDeps = Pick<GatewayDeps, "storage" | "routes" | "runtime" | "writer" | "now" | "newId">;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;
const ID = /^[A-Za-z0-9_-]{1,128}$/;

/** A new receiver; storage checks the rest (a Standard Webhooks secret's form, defaults). */
export const createWebhookBody = z.strictObject({
  provider: z.enum(["github", "stripe", "slack", "standard", "hmac-sha256"]),
  secret: z.string().min(1).max(4096),
  mode: z.enum(["async", "sync"]).optional(),
  /** Only for hmac-sha256; default `x-signature`. */
  signatureHeader: z.string().regex(HEADER_NAME, "not an HTTP header name").optional(),
  toleranceSeconds: z.number().int().min(1).max(86_400).optional(),
});

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** An endpoint as the API shows it: never the secret, always its public URL path. */
export function endpointView(endpoint: WebhookEndpoint) {
  return { ...endpoint, url: `/hooks/${endpoint.id}` };
}

/** A stored request as JSON: the body as text when it is UTF-8, else base64 with `bodyBase64` set. */
export function requestView(request: StoredWebhookRequest) {
  let body: string;
  let bodyBase64 = false;
  try {
    body = utf8.decode(request.body);
  } catch {
    body = Buffer.from(request.body).toString("base64");
    bodyBase64 = true;
  }
  return { method: request.method, path: request.path, headers: request.headers, body, bodyBase64 };
}

export function webhookRoutes(deps: WebhookRouteDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const { storage } = deps;

  const target = (tenant: string | undefined, name: string, ...ids: string[]) => {
    assertValidName("function", name);
    for (const id of ids) parseRequest(z.string().regex(ID, "not an id"), id, "id");
    return { tenant: tenant ?? "", name };
  };

  app.post("/:name/webhooks", async (c) => {
    const { tenant, name } = target(c.req.param("tenant"), c.req.param("name"));
    const body = parseRequest(createWebhookBody, await readJsonBody(c.req.raw, 64 * 1024), "webhook");
    if (body.provider === "standard") assertStandardSecret(body.secret);
    const endpoint = await storage.webhooks.create(
      tenant,
      name,
      {
        provider: body.provider,
        secret: body.secret,
        mode: body.mode ?? "async",
        ...(body.signatureHeader === undefined
          ? {}
          : { signatureHeader: body.signatureHeader.toLowerCase() }),
        ...(body.toleranceSeconds === undefined ? {} : { toleranceSeconds: body.toleranceSeconds }),
      },
      deps.now(),
    );
    return c.json({ webhook: endpointView(endpoint) }, 201);
  });

  app.get("/:name/webhooks", async (c) => {
    const { tenant, name } = target(c.req.param("tenant"), c.req.param("name"));
    const endpoints = await storage.webhooks.list(tenant, name);
    return c.json({ webhooks: endpoints.map(endpointView) });
  });

  app.delete("/:name/webhooks/:id", async (c) => {
    const id = c.req.param("id");
    const { tenant, name } = target(c.req.param("tenant"), c.req.param("name"), id);
    await storage.webhooks.delete(tenant, name, id);
    return c.json({ deleted: true, id });
  });

  app.get("/:name/webhooks/:id/deliveries", async (c) => {
    const id = c.req.param("id");
    const { tenant, name } = target(c.req.param("tenant"), c.req.param("name"), id);
    const query = parseRequest(limitQuery, c.req.query(), "query");
    await endpointOf(tenant, name, id);
    return c.json({ deliveries: await storage.webhooks.deliveries(tenant, name, id, query.limit ?? 50) });
  });

  app.get("/:name/webhooks/:id/deliveries/:delivery", async (c) => {
    const { id, delivery: deliveryId } = c.req.param();
    const { tenant, name } = target(c.req.param("tenant"), c.req.param("name"), id, deliveryId);
    const { delivery, request } = await storage.webhooks.delivery(tenant, name, id, deliveryId);
    return c.json({ delivery, request: requestView(request) });
  });

  app.post("/:name/webhooks/:id/deliveries/:delivery/replay", async (c) => {
    const { id, delivery: deliveryId } = c.req.param();
    const { tenant, name } = target(c.req.param("tenant"), c.req.param("name"), id, deliveryId);
    const endpoint = await endpointOf(tenant, name, id);
    const { delivery, request } = await storage.webhooks.delivery(tenant, name, id, deliveryId);
    if (delivery.verification !== "verified") {
      throw new SkiffError(
        "CONFLICT",
        `delivery "${deliveryId}" failed its signature check (${delivery.failureReason ?? "unknown reason"}); only verified deliveries can be replayed`,
      );
    }
    const version = deps.routes.get(tenant, name);
    if (version === undefined) {
      throw new SkiffError("FUNCTION_NOT_FOUND", `no function "${name}" is deployed in tenant "${tenant}"`);
    }
    return runInvocation(deps, version, webhookEvent(endpoint, delivery.id, request), {
      trigger: "webhook",
      signal: c.req.raw.signal,
    });
  });

  async function endpointOf(tenant: string, name: string, id: string): Promise<WebhookEndpoint> {
    const endpoint = (await storage.webhooks.list(tenant, name)).find((e) => e.id === id);
    if (endpoint === undefined) {
      throw new SkiffError("NOT_FOUND", `function "${name}" has no webhook "${id}"`);
    }
    return endpoint;
  }

  return app;
}

/** A Standard Webhooks secret must decode (`whsec_` + base64) to a key of at least 16 bytes, or no delivery verifies. */
function assertStandardSecret(secret: string): void {
  const key = secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret;
  let bytes = 0;
  try {
    new Webhook(secret);
    bytes = Buffer.from(key, "base64").byteLength;
  } catch {
    bytes = 0;
  }
  if (bytes < 16) {
    throw new SkiffError(
      "INVALID_REQUEST",
      "a Standard Webhooks secret is whsec_ followed by the base64 of at least 16 random bytes",
    );
  }
}
