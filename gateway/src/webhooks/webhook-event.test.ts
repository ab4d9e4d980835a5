import { describe, expect, it } from "vitest";
import {
  deliveryIdOf,
  WEBHOOK_DELIVERY_HEADER,
  WEBHOOK_VERIFIED_HEADER,
  webhookEvent,
} from "./webhook-event.js";

const endpoint = { tenant: "acme", functionName: "hook", provider: "github" as const };

describe("webhookEvent", () => {
  it("is the stored request at the function's webhook URL, with the platform's headers", () => {
    const body = new Uint8Array([0, 255, 10]);
    const event = webhookEvent(endpoint, "d-1", {
      method: "POST",
      path: "/events?x=1",
      headers: [
        ["content-type", "application/json"],
        [WEBHOOK_VERIFIED_HEADER, "forged"],
        [WEBHOOK_DELIVERY_HEADER, "forged"],
      ],
      body,
    });
    expect(event).toEqual({
      kind: "http",
      method: "POST",
      url: "https://hook.acme.webhook/events?x=1",
      headers: [
        ["content-type", "application/json"],
        [WEBHOOK_VERIFIED_HEADER, "github"],
        [WEBHOOK_DELIVERY_HEADER, "d-1"],
      ],
      body,
    });
  });

  it("carries no body for GET and finds its delivery id again in the stored form", () => {
    const event = webhookEvent(endpoint, "d-2", {
      method: "GET",
      path: "/",
      headers: [],
      body: new Uint8Array(),
    });
    expect(event.body).toBeNull();
    expect(deliveryIdOf(JSON.parse(JSON.stringify(event)))).toBe("d-2");
    expect(deliveryIdOf({ kind: "invoke", payload: {} })).toBeUndefined();
    expect(deliveryIdOf(null)).toBeUndefined();
  });
});
