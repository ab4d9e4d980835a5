// Webhook receivers, their deliveries log and a delivery's stored request.
import { z } from "zod";
import { epochMs } from "./common.js";

export const webhookEndpoint = z
  .strictObject({
    id: z.string(),
    tenant: z.string(),
    functionName: z.string(),
    provider: z.enum(["github", "stripe", "slack", "standard", "hmac-sha256"]),
    mode: z.enum(["async", "sync"]),
    signatureHeader: z.string().nullable(),
    toleranceSeconds: z.number().int(),
    createdAt: epochMs,
    url: z.string().meta({ description: "The public path senders post to: /hooks/{id}." }),
  })
  .meta({ id: "Webhook", description: "A webhook receiver; its secret never comes back." });

export const webhookDelivery = z
  .strictObject({
    id: z.string(),
    endpointId: z.string(),
    receivedAt: epochMs,
    providerDeliveryId: z.string().nullable(),
    eventType: z.string().nullable(),
    verification: z.enum(["verified", "failed"]),
    failureReason: z.string().nullable(),
    status: z
      .string()
      .meta({ description: '"received", "delivered", "failed", "dead", or the HTTP status (sync).' }),
    invocationId: z.string().nullable(),
    attempts: z.number().int(),
    eventId: z.string().nullable(),
  })
  .meta({ id: "WebhookDelivery", description: "One request received at a webhook URL." });

export const webhookRequest = z.strictObject({
  method: z.string(),
  path: z.string(),
  headers: z.array(z.tuple([z.string(), z.string()])),
  body: z.string(),
  bodyBase64: z.boolean().meta({ description: "true when `body` is base64 (the body was not UTF-8)." }),
});
