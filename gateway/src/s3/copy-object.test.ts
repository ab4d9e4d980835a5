import { describe, expect, it } from "vitest";
import { parseCopySource } from "./copy-object.js";
import { S3Error } from "./s3-error.js";

describe("parseCopySource", () => {
  it("reads bucket and key, URL-decoded once, with or without a leading slash", () => {
    expect(parseCopySource("photos/a%20b/%C3%BC.txt")).toEqual({ bucket: "photos", key: "a b/ü.txt" });
    expect(parseCopySource("/photos/a%2Bb%253F")).toEqual({ bucket: "photos", key: "a+b%3F" });
    expect(parseCopySource("photos/raw ü")).toEqual({ bucket: "photos", key: "raw ü" });
    expect(parseCopySource("photos/k?versionId=null")).toEqual({ bucket: "photos", key: "k" });
  });

  it("refuses a source without a key, or a version other than null", () => {
    for (const header of ["photos", "photos/", "/photos", "/k", "photos/k?versionId=abc", "photos/%zz"]) {
      expect(() => parseCopySource(header)).toThrow(S3Error);
    }
  });
});
