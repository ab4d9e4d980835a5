import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyWebhook } from "./index.js";

const KEY = randomBytes(24);
const SECRET = `whsec_${KEY.toString("base64")}`;
const NOW = 1_700_000_000_000;
const TS = String(NOW / 1000);
const ID = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
const BODY = new TextEncoder().encode(
  JSON.stringify({ type: "invoice.paid", data: { id: "inv_1", total: 3 } }),
);

/** The spec written out independently: base64 HMAC-SHA256, keyed by the decoded secret, of `${id}.${ts}.${body}`. */
const v1 = (key: Uint8Array, id: string, ts: string, body: Uint8Array) =>
  `v1,${createHmac("sha256", key).update(`${id}.${ts}.`).update(body).digest("base64")}`;

function check(
  headers: Record<string, string>,
  body = BODY,
  options: { secret?: string; tolerance?: number } = {},
) {
  return verifyWebhook({
    provider: "standard",
    secret: options.secret ?? SECRET,
    headers: new Headers(headers),
    body,
    now: NOW,
    toleranceSeconds: options.tolerance ?? 300,
    signatureHeader: null,
  });
}

const valid = (signature = v1(KEY, ID, TS, BODY)) => ({
  "webhook-id": ID,
  "webhook-timestamp": TS,
  "webhook-signature": signature,
});

describe("Standard Webhooks", () => {
  it("accepts the specification's example signature", async () => {
    const body = new TextEncoder().encode('{"test": 2432232314}');
    const result = await verifyWebhook({
      provider: "standard",
      secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      headers: new Headers({
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
      }),
      body,
      now: 1_614_265_330_000,
      toleranceSeconds: 300,
      signatureHeader: null,
    });
    expect(result).toEqual({ ok: true, providerDeliveryId: "msg_p5jXN8AQM9LWM0D4loKWxJek", eventType: null });
  });

  it("accepts a valid signature, giving webhook-id and the body's type", async () => {
    expect(await check(valid())).toEqual({ ok: true, providerDeliveryId: ID, eventType: "invoice.paid" });
  });

  it("accepts a secret without its whsec_ prefix", async () => {
    expect(await check(valid(), BODY, { secret: KEY.toString("base64") })).toMatchObject({ ok: true });
  });

  it("accepts any v1 among several space-separated signatures, skipping other versions", async () => {
    const other = v1(randomBytes(24), ID, TS, BODY);
    expect(await check(valid(`v1a,AAAA ${other} ${v1(KEY, ID, TS, BODY)}`))).toMatchObject({ ok: true });
    expect(await check(valid(other))).toEqual({ ok: false, reason: "signature_mismatch" });
  });

  it("refuses a body altered by one byte, a wrong secret and a changed id", async () => {
    const altered = BODY.slice();
    altered[3] = (altered[3] as number) ^ 1;
    expect(await check(valid(), altered)).toEqual({ ok: false, reason: "signature_mismatch" });
    expect(await check(valid(), BODY, { secret: `whsec_${randomBytes(24).toString("base64")}` })).toEqual({
      ok: false,
      reason: "signature_mismatch",
    });
    expect(await check({ ...valid(), "webhook-id": "msg_other" })).toEqual({
      ok: false,
      reason: "signature_mismatch",
    });
  });

  it("refuses missing and malformed headers", async () => {
    const { "webhook-signature": _s, ...noSignature } = valid();
    expect(await check(noSignature)).toEqual({ ok: false, reason: "missing_signature" });
    const { "webhook-timestamp": _t, ...noTimestamp } = valid();
    expect(await check(noTimestamp)).toEqual({ ok: false, reason: "missing_timestamp" });
    const { "webhook-id": _i, ...noId } = valid();
    expect(await check(noId)).toEqual({ ok: false, reason: "malformed_signature" });
    expect(await check(valid("v2,abcd"))).toEqual({ ok: false, reason: "malformed_signature" });
    expect(await check({ ...valid(), "webhook-timestamp": "later" })).toEqual({
      ok: false,
      reason: "malformed_signature",
    });
  });

  it("refuses a timestamp outside the endpoint's tolerance", async () => {
    const old = String(Number(TS) - 301);
    const headers = {
      "webhook-id": ID,
      "webhook-timestamp": old,
      "webhook-signature": v1(KEY, ID, old, BODY),
    };
    expect(await check(headers)).toEqual({ ok: false, reason: "timestamp_expired" });
    expect(await check(headers, BODY, { tolerance: 900 })).toMatchObject({ ok: true });
  });
});
