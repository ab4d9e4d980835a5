import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyWebhook } from "./index.js";

const SECRET = "generic-secret";
const BODY = Uint8Array.of(0, 1, 2, 0xff, 0xfe, 10, 13);
const hex = (secret: string, body: Uint8Array) => createHmac("sha256", secret).update(body).digest("hex");

function check(
  headers: Record<string, string>,
  options: { body?: Uint8Array; secret?: string; header?: string } = {},
) {
  return verifyWebhook({
    provider: "hmac-sha256",
    secret: options.secret ?? SECRET,
    headers: new Headers(headers),
    body: options.body ?? BODY,
    now: 0,
    toleranceSeconds: 300,
    signatureHeader: options.header ?? null,
  });
}

describe("generic HMAC-SHA256", () => {
  it("accepts hex or sha256=<hex> over raw (non-UTF-8) bytes in x-signature by default", async () => {
    const ok = { ok: true, providerDeliveryId: null, eventType: null };
    expect(await check({ "X-Signature": hex(SECRET, BODY) })).toEqual(ok);
    expect(await check({ "x-signature": `sha256=${hex(SECRET, BODY)}` })).toEqual(ok);
    expect(await check({ "x-signature": hex(SECRET, BODY).toUpperCase() })).toEqual(ok);
  });

  it("reads the configured header only", async () => {
    expect(await check({ "x-acme-sig": hex(SECRET, BODY) }, { header: "x-acme-sig" })).toMatchObject({
      ok: true,
    });
    expect(await check({ "x-signature": hex(SECRET, BODY) }, { header: "x-acme-sig" })).toEqual({
      ok: false,
      reason: "missing_signature",
    });
  });

  it("refuses a body altered by one byte, a wrong secret, a missing or malformed signature", async () => {
    const altered = BODY.slice();
    altered[6] = 12;
    expect(await check({ "x-signature": hex(SECRET, BODY) }, { body: altered })).toEqual({
      ok: false,
      reason: "signature_mismatch",
    });
    expect(await check({ "x-signature": hex(SECRET, BODY) }, { secret: "other" })).toEqual({
      ok: false,
      reason: "signature_mismatch",
    });
    expect(await check({})).toEqual({ ok: false, reason: "missing_signature" });
    expect(await check({ "x-signature": "sha1=abc" })).toEqual({ ok: false, reason: "malformed_signature" });
    expect(await check({ "x-signature": hex(SECRET, BODY).slice(1) })).toEqual({
      ok: false,
      reason: "malformed_signature",
    });
  });
});
