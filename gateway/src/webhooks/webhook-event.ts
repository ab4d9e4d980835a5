// The request a webhook's function receives: the sender's request as stored, plus headers saying the platform
// verified it, and with which scheme.
import type { HeaderList, HttpEvent } from "@skiff/core";
import type { StoredWebhookRequest, WebhookEndpoint } from "@skiff/storage";

/** Names the scheme that verified the request (`github`, `stripe`, …). */
export const WEBHOOK_VERIFIED_HEADER = "x-skiff-webhook-verified";
/** The delivery's id in the deliveries log (the same on every retry and on a replay's source). */
export const WEBHOOK_DELIVERY_HEADER = "x-skiff-webhook-delivery";

/**
 * The HttpEvent for a verified delivery. Headers a sender set under our names are dropped, so that only the
 * platform can claim a request was verified.
 *
 * @example
 * webhookEvent(endpoint, "d_1", { method: "POST", path: "/", headers: [], body })
 * // → { kind: "http", url: "https://hook.acme.webhook/", headers: [[…verified, "github"], …], … }
 */
export function webhookEvent(
  endpoint: Pick<WebhookEndpoint, "tenant" | "functionName" | "provider">,
  deliveryId: string,
  request: StoredWebhookRequest,
): HttpEvent {
  const headers: HeaderList = request.headers.filter(
    ([name]) =>
      name.toLowerCase() !== WEBHOOK_VERIFIED_HEADER && name.toLowerCase() !== WEBHOOK_DELIVERY_HEADER,
  );
  headers.push([WEBHOOK_VERIFIED_HEADER, endpoint.provider], [WEBHOOK_DELIVERY_HEADER, deliveryId]);
  const path = request.path.startsWith("/") ? request.path : `/${request.path}`;
  return {
    kind: "http",
    method: request.method,
    url: `https://${endpoint.functionName}.${endpoint.tenant}.webhook${path}`,
    headers,
    body: request.method === "GET" || request.method === "HEAD" ? null : request.body,
  };
}

/** The delivery id an event built by {@link webhookEvent} carries, read back from its (stored) headers. */
export function deliveryIdOf(payload: unknown): string | undefined {
  const headers = (payload as { headers?: unknown } | null)?.headers;
  if (!Array.isArray(headers)) return undefined;
  for (const pair of headers) {
    if (Array.isArray(pair) && pair[0] === WEBHOOK_DELIVERY_HEADER && typeof pair[1] === "string")
      return pair[1];
  }
  return undefined;
}
