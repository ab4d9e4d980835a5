// Byte helpers for the crypto algorithms: BufferSource copies, base64url (JWK) and constant-time comparison.
import { dataError, operationError } from "./errors.js";

/** A copy of the bytes of an ArrayBuffer or view (the standard's "get a copy of the buffer source"). */
export function copyBytes(data: unknown, what = "data"): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  throw new TypeError(`${what} must be an ArrayBuffer or an ArrayBufferView`);
}

/** The bytes as a fresh ArrayBuffer: what every SubtleCrypto operation resolves with. */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? (bytes.buffer as ArrayBuffer)
    : (bytes.slice().buffer as ArrayBuffer);
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const LOOKUP = new Map([...ALPHABET].map((char, index) => [char, index]));

export function base64urlEncode(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out +=
      ALPHABET[n >> 18] + (ALPHABET[(n >> 12) & 63] as string) + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63];
  }
  if (i < bytes.length) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] ?? 0) << 8);
    out += (ALPHABET[n >> 18] as string) + ALPHABET[(n >> 12) & 63];
    if (i + 1 < bytes.length) out += ALPHABET[(n >> 6) & 63];
  }
  return out;
}

/** Decodes base64url as JWK uses it (RFC 7515: no padding); malformed input is a DataError. */
export function base64urlDecode(text: unknown, member: string): Uint8Array {
  if (typeof text !== "string") throw dataError(`JWK member "${member}" must be a base64url string`);
  const clean = text.replace(/=+$/, "");
  if (clean.length % 4 === 1) throw dataError(`JWK member "${member}" is not valid base64url`);
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let index = 0;
  for (const char of clean) {
    const digit = LOOKUP.get(char);
    if (digit === undefined) throw dataError(`JWK member "${member}" is not valid base64url`);
    value = (value << 6) | digit;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[index++] = (value >> bits) & 0xff;
    }
  }
  return out;
}

/** Compares in time that depends only on the lengths. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The first `length` bits of `secret` (all when null); OperationError when it has fewer. */
export function truncateBits(secret: Uint8Array, length: number | null): Uint8Array {
  if (length === null) return secret;
  if (length > secret.length * 8)
    throw operationError("The requested length is longer than the derived secret");
  const out = secret.slice(0, Math.ceil(length / 8));
  if (length % 8 !== 0) out[out.length - 1] = (out[out.length - 1] as number) & (0xff << (8 - (length % 8)));
  return out;
}
