// Standard Webhooks (standardwebhooks.com): `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64> …`.
import { Webhook } from "standardwebhooks";
import { bodyFields } from "./body-fields.js";
import { bytesEqual, parseUnixSeconds, providerField, utf8Text, withinTolerance } from "./signature.js";
import { fail, type VerifyInput, type VerifyResult } from "./verify-result.js";

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The reference library decodes the `whsec_` secret and computes the signature; its own `verify` is not used
 * because it reads the wall clock and fixes the tolerance at five minutes, where the clock here is injected and
 * the tolerance is the endpoint's. Its signing takes text, and the spec's payloads are JSON (UTF-8), so a body
 * that is not UTF-8 was not signed by a conforming sender.
 */
export function verifyStandard(input: VerifyInput): VerifyResult {
  const header = input.headers.get("webhook-signature");
  if (header === null) return fail("missing_signature");
  const timestamp = input.headers.get("webhook-timestamp");
  if (timestamp === null) return fail("missing_timestamp");
  const id = input.headers.get("webhook-id");
  const seconds = parseUnixSeconds(timestamp.trim());
  // Several signatures, space-separated, while the sender rotates its secret; other versions (v1a) are skipped.
  const given = header
    .split(" ")
    .filter((entry) => entry.startsWith("v1,"))
    .map((entry) => entry.slice(3))
    .filter((signature) => BASE64.test(signature));
  if (id === null || id.length === 0 || seconds === undefined || given.length === 0) {
    return fail("malformed_signature");
  }
  const text = utf8Text(input.body);
  if (text === undefined) return fail("signature_mismatch");
  let expected: Buffer;
  try {
    const signed = new Webhook(input.secret).sign(id, new Date(seconds * 1000), text);
    expected = Buffer.from(signed.slice(signed.indexOf(",") + 1), "base64");
  } catch {
    // A secret that does not decode: nothing can match it (storage refuses such secrets at creation).
    return fail("signature_mismatch");
  }
  let matched = false;
  for (const signature of given) matched = bytesEqual(expected, Buffer.from(signature, "base64")) || matched;
  if (!matched) return fail("signature_mismatch");
  if (!withinTolerance(seconds, input.now, input.toleranceSeconds)) return fail("timestamp_expired");
  return { ok: true, providerDeliveryId: providerField(id), eventType: bodyFields(input.body).get("type") };
}
