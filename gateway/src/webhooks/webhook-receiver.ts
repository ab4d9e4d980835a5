// The public side of webhook receivers, `ANY /hooks/{id}[/…]`: no API key, the signature is the credential.
// Each request is checked, recorded in the deliveries log, then queued (async, answered 202 once committed) or
// run at once with the function's response sent back (sync).
import { SkiffError } from "@skiff/core";
import { encodeEvent } from "@skiff/scheduler";
import type { StoredWebhookRequest } from "@skiff/storage";
import { type Context, Hono } from "hono";
import { readBody } from "../body-reader.js";
import { INVOCATION_ID_HEADER } from "../data-plane/invocation-response.js";
import { runInvocation } from "../data-plane/run-invocation.js";
import type { GatewayDeps } from "../deps.js";
import { verifyWebhook } from "./verify/index.js";
import { webhookEvent } from "./webhook-event.js";

export type ReceiverDeps = Pick<
  GatewayDeps,
  "storage" | "routes" | "runtime" | "writer" | "now" | "newId" | "scheduler" | "limiter"
> & {
  /** Largest body accepted. */
  webhookBodyBytes: number;
  /** Window within which a provider's delivery id is delivered once. */
  webhookDedupeWindowMs: number;
};

const BODYLESS = new Set(["GET", "HEAD"]);

/** Routes mounted at `/hooks`. */
export function webhookReceiver(deps: ReceiverDeps): Hono {
  const app = new Hono();
  const receive = async (c: Context) => {
    const id = c.req.param("id") ?? "";
    const resolved = await deps.storage.webhooks.resolve(id);
    if (resolved === undefined) throw new SkiffError("NOT_FOUND", "no webhook receiver at this URL");
    const { endpoint, secret } = resolved;

    const raw = c.req.raw;
    const body = BODYLESS.has(raw.method)
      ? new Uint8Array(0)
      : ((await readBody(raw, {
          limit: deps.webhookBodyBytes,
          tooLarge: (limit) =>
            new SkiffError(
              "PAYLOAD_TOO_LARGE",
              `the webhook body is larger than the limit of ${limit} bytes`,
            ),
        })) ?? new Uint8Array(0));
    const url = new URL(raw.url);
    const prefix = `/hooks/${id}`;
    const below = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : "";
    const request: StoredWebhookRequest = {
      method: raw.method,
      path: `${below === "" ? "/" : below}${url.search}`,
      headers: [...raw.headers],
      body,
    };

    const verified = await verifyWebhook({
      provider: endpoint.provider,
      secret,
      headers: raw.headers,
      body,
      now: deps.now(),
      toleranceSeconds: endpoint.toleranceSeconds,
      signatureHeader: endpoint.signatureHeader,
    });
    const base = { request, dedupeWindowMs: deps.webhookDedupeWindowMs };
    if (!verified.ok) {
      await deps.storage.webhooks.record(
        endpoint.id,
        {
          ...base,
          providerDeliveryId: null,
          eventType: null,
          verification: "failed",
          failureReason: verified.reason,
        },
        deps.now(),
      );
      return c.json(
        {
          error: { code: "UNAUTHORIZED", message: "webhook signature check failed", reason: verified.reason },
        },
        401,
      );
    }

    // A provider delivery id seen within the window is a replay (DESIGN: refused like a bad signature); it is
    // logged as a failed delivery, and the first one stays the only one delivered.
    const refuseReplay = async (firstId: string) => {
      await deps.storage.webhooks.record(
        endpoint.id,
        {
          ...base,
          providerDeliveryId: verified.providerDeliveryId,
          eventType: verified.eventType,
          verification: "failed",
          failureReason: "replayed",
        },
        deps.now(),
      );
      return c.json(
        {
          error: {
            code: "UNAUTHORIZED",
            message: "this webhook delivery id was already received",
            reason: "replayed",
            deliveryId: firstId,
          },
        },
        401,
      );
    };

    // The delivery's id is chosen here, so that the queued event (written in the same transaction) names it.
    const deliveryId = deps.newId();
    const input = {
      ...base,
      id: deliveryId,
      providerDeliveryId: verified.providerDeliveryId,
      eventType: verified.eventType,
      verification: "verified" as const,
      failureReason: null,
    };
    if (endpoint.mode === "async") {
      if (deps.scheduler === undefined) {
        throw new SkiffError("INTERNAL_ERROR", "this server runs without a scheduler: async delivery is off");
      }
      const payload = encodeEvent(webhookEvent(endpoint, deliveryId, request));
      // 429 RATE_LIMITED with Retry-After past the tenant's asyncEventsPerMinute: senders retry later.
      deps.limiter.admitAsyncEvents(endpoint.tenant);
      const { delivery, duplicate } = await deps.storage.webhooks.record(
        endpoint.id,
        { ...input, queue: { payload } },
        deps.now(),
      );
      if (duplicate) return refuseReplay(delivery.id);
      deps.scheduler.wake();
      return c.json({ deliveryId: delivery.id, duplicate }, 202);
    }

    const { delivery, duplicate } = await deps.storage.webhooks.record(endpoint.id, input, deps.now());
    if (duplicate) return refuseReplay(delivery.id);
    const version = deps.routes.get(endpoint.tenant, endpoint.functionName);
    if (version === undefined) {
      await deps.storage.webhooks.updateStatus(delivery.id, { status: "failed" });
      throw new SkiffError("FUNCTION_NOT_FOUND", `function "${endpoint.functionName}" has no active version`);
    }
    const response = await runInvocation(deps, version, webhookEvent(endpoint, delivery.id, request), {
      trigger: "webhook",
      signal: raw.signal,
    });
    await deps.storage.webhooks.updateStatus(delivery.id, {
      status: String(response.status),
      invocationId: response.headers.get(INVOCATION_ID_HEADER),
      attempts: 1,
    });
    return response;
  };
  app.all("/:id", receive);
  app.all("/:id/*", receive);
  return app;
}
