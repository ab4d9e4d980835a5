import { describe, expect, it } from "vitest";
import { assertValidKvKey, assertValidObjectKey, isValidKey } from "./storage-key.js";

describe("storage keys", () => {
  it("accepts any well-formed text, hostile-looking or not", () => {
    for (const key of ["../../etc/passwd", "a\u0000b", "with space", "ünï/cødé 🚀", "/", ".", "..", "a//b"]) {
      expect(isValidKey(key, 1024), JSON.stringify(key)).toBe(true);
    }
  });

  it("counts the limit in bytes of UTF-8, not characters", () => {
    expect(isValidKey("a".repeat(1024), 1024)).toBe(true);
    expect(isValidKey("a".repeat(1025), 1024)).toBe(false);
    // 341 three-byte characters are 1023 bytes; one more two-byte character passes the limit.
    expect(isValidKey(`${"€".repeat(341)}a`, 1024)).toBe(true);
    expect(isValidKey(`${"€".repeat(341)}é`, 1024)).toBe(false);
  });

  it("refuses empty keys and lone surrogates, which have no UTF-8 form", () => {
    expect(isValidKey("", 1024)).toBe(false);
    expect(isValidKey("a\uD800b", 1024)).toBe(false);
    expect(isValidKey("\uDC00", 1024)).toBe(false);
    expect(isValidKey("\uD83D\uDE80", 1024)).toBe(true);
  });

  it("throws INVALID_REQUEST naming the limit", () => {
    expect(() => assertValidObjectKey("a".repeat(1025))).toThrow(
      expect.objectContaining({ code: "INVALID_REQUEST", details: { s3: "KeyTooLongError" } }),
    );
    expect(() => assertValidObjectKey("")).toThrow(expect.objectContaining({ code: "INVALID_REQUEST" }));
    expect(() => assertValidKvKey("k".repeat(513))).toThrow(/513 bytes of UTF-8; the limit is 512/);
    expect(() => assertValidKvKey("k".repeat(512))).not.toThrow();
  });
});
