import { describe, expect, it } from "vitest";
import { parseByteRange } from "./byte-range.js";
import { S3Error } from "./s3-error.js";

describe("parseByteRange", () => {
  it("reads first-last, open-ended and suffix ranges", () => {
    expect(parseByteRange("bytes=0-1", 10)).toEqual({ start: 0, end: 1 });
    expect(parseByteRange("bytes=4-", 10)).toEqual({ start: 4, end: 9 });
    expect(parseByteRange("bytes=-3", 10)).toEqual({ start: 7, end: 9 });
    expect(parseByteRange("bytes=-30", 10)).toEqual({ start: 0, end: 9 });
    expect(parseByteRange("bytes=8-100", 10)).toEqual({ start: 8, end: 9 });
  });

  it("ignores what is not one byte range", () => {
    expect(parseByteRange(null, 10)).toBeUndefined();
    expect(parseByteRange("bytes=0-1,3-4", 10)).toBeUndefined();
    expect(parseByteRange("items=0-1", 10)).toBeUndefined();
    expect(parseByteRange("bytes=5-2", 10)).toBeUndefined();
    expect(parseByteRange("bytes=-", 10)).toBeUndefined();
  });

  it("refuses a range past the end with 416 and the size in Content-Range", () => {
    const error = (() => {
      try {
        parseByteRange("bytes=10-", 10);
      } catch (e) {
        return e;
      }
    })() as S3Error;
    expect(error).toBeInstanceOf(S3Error);
    expect([error.code, error.status, error.headers["content-range"]]).toEqual([
      "InvalidRange",
      416,
      "bytes */10",
    ]);
    expect(() => parseByteRange("bytes=0-0", 0)).toThrow(S3Error);
    expect(() => parseByteRange("bytes=-0", 10)).toThrow(S3Error);
  });
});
