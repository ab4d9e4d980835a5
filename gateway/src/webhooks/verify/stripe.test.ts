import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyWebhook } from "./index.js";

const SECRET = "whsec_test_2f1c9b7e0a";
const NOW = 1_700_000_000_000;
const T = NOW / 1000;
const BODY = new TextEncoder().encode(
  JSON.stringify({ id: "evt_1NG8Du2eZvKYlo2CUI79vXWy", object: "event", type: "payment_intent.succeeded" }),
);

/** Stripe's scheme, written out independently: hex HMAC-SHA256 of `${t}.${body}`. */
const v1 = (secret: string, t: number, body: Uint8Array) =>
  createHmac("sha256", secret).update(`${t}.`).update(body).digest("hex");

function check(
  header: string | null,
  body = BODY,
  options: { secret?: string; now?: number; tolerance?: number } = {},
) {
  return verifyWebhook({
    provider: "stripe",
    secret: options.secret ?? SECRET,
    headers: new Headers(header === null ? {} : { "Stripe-Signature": header }),
    body,
    now: options.now ?? NOW,
    toleranceSeconds: options.tolerance ?? 300,
    signatureHeader: null,
  });
}

describe("Stripe-Signature", () => {
  it("accepts a valid signature and reads the event id and type from the body", async () => {
    expect(await check(`t=${T},v1=${v1(SECRET, T, BODY)}`)).toEqual({
      ok: true,
      providerDeliveryId: "evt_1NG8Du2eZvKYlo2CUI79vXWy",
      eventType: "payment_intent.succeeded",
    });
  });

  it("accepts any matching v1 among several, ignoring v0 and unknown elements", async () => {
    const header = `t=${T},v1=${v1("whsec_old", T, BODY)},v1=${v1(SECRET, T, BODY)},v0=${"0".repeat(64)},x=1`;
    expect(await check(header)).toMatchObject({ ok: true });
  });

  it("has no ids for a body that is not JSON", async () => {
    const body = new TextEncoder().encode("not json");
    expect(await check(`t=${T},v1=${v1(SECRET, T, body)}`, body)).toEqual({
      ok: true,
      providerDeliveryId: null,
      eventType: null,
    });
  });

  it("refuses a body altered by one byte and a wrong secret", async () => {
    const altered = BODY.slice();
    altered[0] = (altered[0] as number) ^ 0x20;
    expect(await check(`t=${T},v1=${v1(SECRET, T, BODY)}`, altered)).toEqual({
      ok: false,
      reason: "signature_mismatch",
    });
    expect(await check(`t=${T},v1=${v1("whsec_wrong", T, BODY)}`)).toEqual({
      ok: false,
      reason: "signature_mismatch",
    });
    // The timestamp is signed: moving it breaks the signature.
    expect(await check(`t=${T + 1},v1=${v1(SECRET, T, BODY)}`)).toEqual({
      ok: false,
      reason: "signature_mismatch",
    });
  });

  it("refuses a missing header, a missing timestamp and a header without a usable v1", async () => {
    expect(await check(null)).toEqual({ ok: false, reason: "missing_signature" });
    expect(await check(`v1=${v1(SECRET, T, BODY)}`)).toEqual({ ok: false, reason: "missing_timestamp" });
    expect(await check(`t=${T},v0=${v1(SECRET, T, BODY)}`)).toEqual({
      ok: false,
      reason: "malformed_signature",
    });
    expect(await check(`t=${T},v1=xyz`)).toEqual({ ok: false, reason: "malformed_signature" });
    expect(await check(`t=soon,v1=${v1(SECRET, T, BODY)}`)).toEqual({
      ok: false,
      reason: "malformed_signature",
    });
  });

  it("refuses a timestamp outside the tolerance either way, and accepts one at its edge", async () => {
    const old = T - 301;
    expect(await check(`t=${old},v1=${v1(SECRET, old, BODY)}`)).toEqual({
      ok: false,
      reason: "timestamp_expired",
    });
    const future = T + 301;
    expect(await check(`t=${future},v1=${v1(SECRET, future, BODY)}`)).toEqual({
      ok: false,
      reason: "timestamp_expired",
    });
    const edge = T - 300;
    expect(await check(`t=${edge},v1=${v1(SECRET, edge, BODY)}`)).toMatchObject({ ok: true });
    expect(await check(`t=${old},v1=${v1(SECRET, old, BODY)}`, BODY, { tolerance: 600 })).toMatchObject({
      ok: true,
    });
  });
});
