import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyWebhook } from "./index.js";

const SECRET = "It's a Secret to Everybody";
const encode = (text: string) => new TextEncoder().encode(text);
const sign = (secret: string, body: Uint8Array) =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

function check(headers: Record<string, string>, body: Uint8Array, secret = SECRET) {
  return verifyWebhook({
    provider: "github",
    secret,
    headers: new Headers(headers),
    body,
    now: 1_700_000_000_000,
    toleranceSeconds: 300,
    signatureHeader: null,
  });
}

describe("GitHub X-Hub-Signature-256", () => {
  it("accepts GitHub's documented test vector", async () => {
    const body = encode("Hello, World!");
    expect(sign(SECRET, body)).toBe(
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    );
    expect(
      await check(
        { "X-Hub-Signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17" },
        body,
      ),
    ).toEqual({ ok: true, providerDeliveryId: null, eventType: null });
  });

  it("returns the delivery id and event from GitHub's headers", async () => {
    const body = encode(JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 }));
    expect(
      await check(
        {
          "x-hub-signature-256": sign(SECRET, body),
          "x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
          "x-github-event": "ping",
        },
        body,
      ),
    ).toEqual({ ok: true, providerDeliveryId: "72d3162e-cc78-11e3-81ab-4c9367dc0958", eventType: "ping" });
  });

  it("refuses a body altered by one byte, a wrong secret, a missing or malformed header", async () => {
    const body = encode('{"action":"opened","number":1}');
    const signature = sign(SECRET, body);
    const altered = body.slice();
    altered[10] = (altered[10] as number) ^ 1;
    expect(await check({ "x-hub-signature-256": signature }, altered)).toEqual({
      ok: false,
      reason: "signature_mismatch",
    });
    expect(await check({ "x-hub-signature-256": signature }, body, "another secret")).toEqual({
      ok: false,
      reason: "signature_mismatch",
    });
    expect(await check({ "x-hub-signature": signature.replace("sha256", "sha1") }, body)).toEqual({
      ok: false,
      reason: "missing_signature",
    });
    for (const malformed of ["", signature.slice(7), "sha1=abc", `${signature}00`, "sha256=zz"]) {
      expect(await check({ "x-hub-signature-256": malformed }, body)).toEqual({
        ok: false,
        reason: "malformed_signature",
      });
    }
  });

  it("accepts upper-case hex and refuses a body that is empty or not UTF-8", async () => {
    const body = encode('{"a":1}');
    const signature = sign(SECRET, body);
    expect(
      await check({ "x-hub-signature-256": `sha256=${signature.slice(7).toUpperCase()}` }, body),
    ).toMatchObject({ ok: true });
    const binary = Uint8Array.of(0xff, 0xfe, 0x00);
    expect(await check({ "x-hub-signature-256": sign(SECRET, binary) }, binary)).toEqual({
      ok: false,
      reason: "signature_mismatch",
    });
    const empty = new Uint8Array(0);
    expect(await check({ "x-hub-signature-256": sign(SECRET, empty) }, empty)).toEqual({
      ok: false,
      reason: "signature_mismatch",
    });
  });
});
