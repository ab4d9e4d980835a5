// Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=…]`, HMAC-SHA256 of `${t}.${body}` under the `whsec_…` secret.
import { bodyFields } from "./body-fields.js";
import { hmacSha256, isSha256Hex, matchesHex, parseUnixSeconds, withinTolerance } from "./signature.js";
import { fail, type VerifyInput, type VerifyResult } from "./verify-result.js";

/**
 * Any `v1` may match (Stripe sends one per active secret while a secret is rolled); `v0` is Stripe's test-mode
 * scheme and is not accepted. The timestamp is checked after the signature, so `timestamp_expired` is only said of
 * a request Stripe really signed.
 */
export function verifyStripe(input: VerifyInput): VerifyResult {
  const header = input.headers.get("stripe-signature");
  if (header === null) return fail("missing_signature");
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const element of header.split(",")) {
    const at = element.indexOf("=");
    if (at < 0) continue;
    const key = element.slice(0, at).trim();
    const value = element.slice(at + 1).trim();
    if (key === "t" && timestamp === undefined) timestamp = value;
    else if (key === "v1") signatures.push(value);
  }
  if (timestamp === undefined) return fail("missing_timestamp");
  const seconds = parseUnixSeconds(timestamp);
  if (seconds === undefined || !signatures.some(isSha256Hex)) return fail("malformed_signature");
  const expected = hmacSha256(input.secret, `${timestamp}.`, input.body);
  // Every candidate is compared, so the time taken does not tell which one matched.
  let matched = false;
  for (const signature of signatures) matched = matchesHex(expected, signature) || matched;
  if (!matched) return fail("signature_mismatch");
  if (!withinTolerance(seconds, input.now, input.toleranceSeconds)) return fail("timestamp_expired");
  const fields = bodyFields(input.body);
  return { ok: true, providerDeliveryId: fields.get("id"), eventType: fields.get("type") };
}
