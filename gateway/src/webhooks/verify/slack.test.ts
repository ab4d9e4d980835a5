import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyWebhook } from "./index.js";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const NOW = 1_531_420_618_000;
const TS = String(NOW / 1000);
const encode = (text: string) => new TextEncoder().encode(text);
const EVENT = encode(
  JSON.stringify({
    type: "event_callback",
    event_id: "Ev0PV52K21",
    event: { type: "app_mention", text: "hi" },
  }),
);

/** Slack's scheme, written out independently: `v0=` and the hex HMAC-SHA256 of `v0:${ts}:${body}`. */
const v0 = (secret: string, ts: string, body: Uint8Array) =>
  `v0=${createHmac("sha256", secret).update(`v0:${ts}:`).update(body).digest("hex")}`;

function check(headers: Record<string, string>, body = EVENT, secret = SECRET) {
  return verifyWebhook({
    provider: "slack",
    secret,
    headers: new Headers(headers),
    body,
    now: NOW,
    toleranceSeconds: 300,
    signatureHeader: null,
  });
}

describe("X-Slack-Signature", () => {
  it("accepts a valid request and reads event_id and type from a JSON body", async () => {
    expect(
      await check({ "X-Slack-Signature": v0(SECRET, TS, EVENT), "X-Slack-Request-Timestamp": TS }),
    ).toEqual({ ok: true, providerDeliveryId: "Ev0PV52K21", eventType: "event_callback" });
  });

  it("answers a url_verification challenge's type, and has no id for a slash command form", async () => {
    const challenge = encode(JSON.stringify({ token: "x", challenge: "3eZbrw1a", type: "url_verification" }));
    expect(
      await check(
        { "x-slack-signature": v0(SECRET, TS, challenge), "x-slack-request-timestamp": TS },
        challenge,
      ),
    ).toEqual({ ok: true, providerDeliveryId: null, eventType: "url_verification" });
    const command = encode("token=x&team_id=T1&command=%2Fweather&text=94070");
    expect(
      await check({ "x-slack-signature": v0(SECRET, TS, command), "x-slack-request-timestamp": TS }, command),
    ).toEqual({ ok: true, providerDeliveryId: null, eventType: null });
    const interaction = encode(`payload=${encodeURIComponent(JSON.stringify({ type: "block_actions" }))}`);
    expect(
      await check(
        { "x-slack-signature": v0(SECRET, TS, interaction), "x-slack-request-timestamp": TS },
        interaction,
      ),
    ).toEqual({ ok: true, providerDeliveryId: null, eventType: "block_actions" });
  });

  it("refuses a body altered by one byte, a wrong secret, a signed timestamp changed", async () => {
    const altered = EVENT.slice();
    altered[EVENT.length - 2] = (altered[EVENT.length - 2] as number) + 1;
    const headers = { "x-slack-signature": v0(SECRET, TS, EVENT), "x-slack-request-timestamp": TS };
    expect(await check(headers, altered)).toEqual({ ok: false, reason: "signature_mismatch" });
    expect(await check(headers, EVENT, "wrong")).toEqual({ ok: false, reason: "signature_mismatch" });
    expect(await check({ ...headers, "x-slack-request-timestamp": String(Number(TS) - 1) })).toEqual({
      ok: false,
      reason: "signature_mismatch",
    });
  });

  it("refuses missing headers and malformed values", async () => {
    expect(await check({ "x-slack-request-timestamp": TS })).toEqual({
      ok: false,
      reason: "missing_signature",
    });
    expect(await check({ "x-slack-signature": v0(SECRET, TS, EVENT) })).toEqual({
      ok: false,
      reason: "missing_timestamp",
    });
    expect(
      await check({
        "x-slack-signature": v0(SECRET, TS, EVENT).replace("v0=", "v1="),
        "x-slack-request-timestamp": TS,
      }),
    ).toEqual({ ok: false, reason: "malformed_signature" });
    expect(
      await check({ "x-slack-signature": v0(SECRET, TS, EVENT), "x-slack-request-timestamp": "yesterday" }),
    ).toEqual({ ok: false, reason: "malformed_signature" });
  });

  it("refuses a request older than five minutes", async () => {
    const old = String(Number(TS) - 301);
    expect(
      await check({ "x-slack-signature": v0(SECRET, old, EVENT), "x-slack-request-timestamp": old }),
    ).toEqual({
      ok: false,
      reason: "timestamp_expired",
    });
  });
});
