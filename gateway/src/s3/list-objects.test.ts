import { describe, expect, it } from "vitest";
import { decodeToken, encodeToken } from "./list-objects.js";
import { S3Error } from "./s3-error.js";

describe("continuation tokens", () => {
  it("round-trip any key", () => {
    for (const key of ["a", "a/b/", "ü ✓ \u0000 ../x", "x".repeat(1024)]) {
      expect(decodeToken(encodeToken(key))).toBe(key);
    }
  });

  it("refuse what is not a token", () => {
    for (const token of ["", "!!", "a b", "_w"]) expect(() => decodeToken(token)).toThrow(S3Error);
  });
});
