import { describe, expect, it } from "vitest";
import { gatewayRequestPath, parseQuery, parseS3Path, requestTarget } from "./request-target.js";
import { S3Error } from "./s3-error.js";

describe("parseS3Path", () => {
  it("addresses the service, a bucket or an object", () => {
    expect(parseS3Path("/s3")).toEqual({ bucket: undefined, key: undefined });
    expect(parseS3Path("/s3/")).toEqual({ bucket: undefined, key: undefined });
    expect(parseS3Path("/s3/photos")).toEqual({ bucket: "photos", key: undefined });
    expect(parseS3Path("/s3/photos/")).toEqual({ bucket: "photos", key: undefined });
    expect(parseS3Path("/s3/photos/a/b.txt")).toEqual({ bucket: "photos", key: "a/b.txt" });
  });

  it("decodes a key exactly once and keeps every segment", () => {
    expect(parseS3Path("/s3/b/a%20b+c%252F%2F%C3%BC").key).toBe("a b+c%2F/ü");
    expect(parseS3Path("/s3/b/../../etc/passwd").key).toBe("../../etc/passwd");
    expect(parseS3Path("/s3/b/.//x/.").key).toBe(".//x/.");
    expect(parseS3Path("/s3/b/a%00b").key).toBe("a\u0000b");
  });

  it("refuses malformed escapes and invalid UTF-8 as InvalidURI", () => {
    for (const path of ["/s3/b/%", "/s3/b/%zz", "/s3/b/%C3"]) {
      expect(() => parseS3Path(path)).toThrow(S3Error);
    }
  });
});

describe("parseQuery", () => {
  it("decodes names and values once, keeps + and valueless parameters", () => {
    expect(parseQuery("uploads&prefix=a%2Fb+c&x-id=PutObject&&empty=")).toEqual([
      ["uploads", ""],
      ["prefix", "a/b+c"],
      ["x-id", "PutObject"],
      ["empty", ""],
    ]);
  });
});

describe("requestTarget", () => {
  it("prefers the raw target of the Node request over the parsed URL", () => {
    const request = new Request("http://h/etc/passwd?a=1");
    expect(requestTarget(request, { incoming: { url: "/s3/b/../../etc/passwd?a=1" } })).toEqual({
      path: "/s3/b/../../etc/passwd",
      query: [["a", "1"]],
    });
    expect(requestTarget(request, undefined)).toEqual({ path: "/etc/passwd", query: [["a", "1"]] });
  });
});

describe("gatewayRequestPath", () => {
  it("routes raw /s3 targets by their raw path and everything else as Hono does", () => {
    const request = new Request("http://h/etc/passwd");
    expect(gatewayRequestPath(request, { env: { incoming: { url: "/s3/b/../../etc/passwd" } } })).toBe(
      "/s3/b/../../etc/passwd",
    );
    expect(gatewayRequestPath(request, { env: { incoming: { url: "/api/../etc/passwd" } } })).toBe(
      "/etc/passwd",
    );
    expect(gatewayRequestPath(new Request("http://h/api/v1/x?y=1"))).toBe("/api/v1/x");
  });
});
