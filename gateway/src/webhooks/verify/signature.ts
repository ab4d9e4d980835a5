// The pieces every HMAC scheme shares: the digest over raw bytes, a constant-time hex compare, signed timestamps.
import { createHmac, timingSafeEqual } from "node:crypto";

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
/** Unix seconds as senders write them; more than 12 digits is no real time. */
const UNIX_SECONDS = /^\d{1,12}$/;
/** Ids and event types longer than this are not a provider's: they are not kept. */
const MAX_FIELD_LENGTH = 256;

/** HMAC-SHA256 under `key` (its UTF-8 bytes) of the parts concatenated, strings as UTF-8, bytes as they are. */
export function hmacSha256(key: string | Uint8Array, ...parts: Array<string | Uint8Array>): Buffer {
  const hmac = createHmac("sha256", key);
  for (const part of parts) hmac.update(part);
  return hmac.digest();
}

/** True if `hex` has the shape of a SHA-256 digest in hex. */
export function isSha256Hex(hex: string): boolean {
  return SHA256_HEX.test(hex);
}

/** Compares a hex signature with the expected digest in constant time; a malformed one never matches. */
export function matchesHex(expected: Buffer, hex: string): boolean {
  if (!isSha256Hex(hex)) return false;
  return timingSafeEqual(expected, Buffer.from(hex, "hex"));
}

/** Compares two byte strings in constant time; a length that differs says nothing secret, so it returns early. */
export function bytesEqual(expected: Uint8Array, given: Uint8Array): boolean {
  return expected.byteLength === given.byteLength && timingSafeEqual(expected, given);
}

/** Unix seconds from a header value, or undefined if it is not a whole number. */
export function parseUnixSeconds(value: string): number | undefined {
  return UNIX_SECONDS.test(value) ? Number(value) : undefined;
}

/** True if `seconds` (Unix) is within `toleranceSeconds` of `now` (epoch ms), before or after. */
export function withinTolerance(seconds: number, now: number, toleranceSeconds: number): boolean {
  return Math.abs(now / 1000 - seconds) <= toleranceSeconds;
}

/** A header or body field kept as a provider id or event type: a non-empty string of sane length, else null. */
export function providerField(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 && value.length <= MAX_FIELD_LENGTH ? value : null;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The body as text for libraries that sign strings, or undefined if its bytes are not UTF-8: decoding those
 * would replace bytes and so sign something else than what was sent.
 */
export function utf8Text(body: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(body);
  } catch {
    return undefined;
  }
}
