// Slack: `X-Slack-Signature: v0=<hex>`, HMAC-SHA256 of `v0:${X-Slack-Request-Timestamp}:${body}`.
import { bodyFields } from "./body-fields.js";
import { hmacSha256, matchesHex, parseUnixSeconds, withinTolerance } from "./signature.js";
import { fail, type VerifyInput, type VerifyResult } from "./verify-result.js";

const SIGNATURE = /^v0=([0-9a-fA-F]{64})$/;

/**
 * Slack gives no delivery id in its headers; Events API bodies carry `event_id`, which is what a retry repeats.
 * Slash commands and interactions have none, so they are not deduplicated.
 */
export function verifySlack(input: VerifyInput): VerifyResult {
  const signature = input.headers.get("x-slack-signature");
  if (signature === null) return fail("missing_signature");
  const timestamp = input.headers.get("x-slack-request-timestamp");
  if (timestamp === null) return fail("missing_timestamp");
  const hex = SIGNATURE.exec(signature.trim())?.[1];
  const seconds = parseUnixSeconds(timestamp.trim());
  if (hex === undefined || seconds === undefined) return fail("malformed_signature");
  const expected = hmacSha256(input.secret, `v0:${timestamp.trim()}:`, input.body);
  if (!matchesHex(expected, hex)) return fail("signature_mismatch");
  if (!withinTolerance(seconds, input.now, input.toleranceSeconds)) return fail("timestamp_expired");
  const fields = bodyFields(input.body);
  return { ok: true, providerDeliveryId: fields.get("event_id"), eventType: fields.get("type") };
}
