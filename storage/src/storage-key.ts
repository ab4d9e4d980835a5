// Object and KV keys: any well-formed Unicode text up to a byte limit. They are only ever bound as SQL
// parameters, so '../', '/', NUL or unicode are plain characters and never reach the file system.
import { SkiffError } from "@skiff/core";

/** S3's limit on an object key, in bytes of UTF-8. */
export const OBJECT_KEY_BYTES = 1024;
/** Workers KV's limit on a key, in bytes of UTF-8. */
export const KV_KEY_BYTES = 512;

// In a /u regex a surrogate pair is one code point, so this matches only a surrogate that is alone: a string
// holding one has no UTF-8 form, and encoding would silently turn it into U+FFFD (another key).
const LONE_SURROGATE = /\p{Cs}/u;

/** True if `key` is 1–`maxBytes` bytes of UTF-8. */
export function isValidKey(key: string, maxBytes: number): boolean {
  if (typeof key !== "string" || key.length === 0 || LONE_SURROGATE.test(key)) return false;
  return Buffer.byteLength(key, "utf8") <= maxBytes;
}

/** Throws `INVALID_REQUEST` (S3's KeyTooLongError when it is too long) unless `key` is a valid object key. */
export function assertValidObjectKey(key: string): void {
  assertValidKey("object key", key, OBJECT_KEY_BYTES, "KeyTooLongError");
}

/** Throws `INVALID_REQUEST` unless `key` is a valid KV key. */
export function assertValidKvKey(key: string): void {
  assertValidKey("KV key", key, KV_KEY_BYTES, "InvalidKey");
}

function assertValidKey(what: string, key: string, maxBytes: number, tooLong: string): void {
  if (isValidKey(key, maxBytes)) return;
  if (typeof key !== "string" || key.length === 0) {
    throw new SkiffError("INVALID_REQUEST", `the ${what} is empty`, { details: { s3: "InvalidArgument" } });
  }
  if (LONE_SURROGATE.test(key)) {
    throw new SkiffError("INVALID_REQUEST", `the ${what} is not valid Unicode (it holds a lone surrogate)`, {
      details: { s3: "InvalidArgument" },
    });
  }
  throw new SkiffError(
    "INVALID_REQUEST",
    `the ${what} is ${Buffer.byteLength(key, "utf8")} bytes of UTF-8; the limit is ${maxBytes}`,
    { details: { s3: tooLong } },
  );
}
