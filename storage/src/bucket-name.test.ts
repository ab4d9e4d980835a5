import { describe, expect, it } from "vitest";
import { assertValidBucketName, isValidBucketName } from "./bucket-name.js";

describe("bucket names", () => {
  it("accepts S3's valid names", () => {
    for (const name of ["abc", "my-bucket", "my.bucket.1", "0ab", "a".repeat(63), "a-b.c-d"]) {
      expect(isValidBucketName(name)).toBe(true);
    }
  });

  it("refuses names S3 refuses", () => {
    const bad = [
      "ab",
      "a".repeat(64),
      "Abc",
      "-abc",
      "abc-",
      ".abc",
      "abc.",
      "a..b",
      "a_b",
      "a b",
      "../x",
      "192.168.1.1",
      "",
      "ünï",
    ];
    for (const name of bad) expect(isValidBucketName(name), name).toBe(false);
  });

  it("throws INVALID_NAME with S3's error code in the details", () => {
    expect(() => assertValidBucketName("A")).toThrow(
      expect.objectContaining({ code: "INVALID_NAME", details: { s3: "InvalidBucketName" } }),
    );
    expect(() => assertValidBucketName("ok-name")).not.toThrow();
  });
});
