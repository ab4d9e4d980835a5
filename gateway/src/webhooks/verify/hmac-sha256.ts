// Any sender that signs the body with HMAC-SHA256 in a header of its choosing, as hex or `sha256=<hex>`.
import { hmacSha256, isSha256Hex, matchesHex } from "./signature.js";
import { fail, type VerifyInput, type VerifyResult } from "./verify-result.js";

export const DEFAULT_SIGNATURE_HEADER = "x-signature";

/** No timestamp and no delivery id: a generic sender's replays can only be told apart by the function itself. */
export function verifyHmacSha256(input: VerifyInput): VerifyResult {
  const value = input.headers.get(input.signatureHeader ?? DEFAULT_SIGNATURE_HEADER);
  if (value === null) return fail("missing_signature");
  const trimmed = value.trim();
  const hex = trimmed.toLowerCase().startsWith("sha256=") ? trimmed.slice(7) : trimmed;
  if (!isSha256Hex(hex)) return fail("malformed_signature");
  if (!matchesHex(hmacSha256(input.secret, input.body), hex)) return fail("signature_mismatch");
  return { ok: true, providerDeliveryId: null, eventType: null };
}
