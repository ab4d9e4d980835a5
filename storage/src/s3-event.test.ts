import { describe, expect, it } from "vitest";
import { encodeS3EventKey, s3EventName, s3EventRecord, s3Sequencer } from "./s3-event.js";

const T = Date.UTC(2024, 0, 2, 3, 4, 5, 678);

describe("S3 event records", () => {
  it("has S3's eventVersion 2.1 shape for a put", () => {
    expect(
      s3EventRecord({
        tenant: "acme",
        bucket: "uploads",
        action: "PutObject",
        eventTime: T,
        configurationId: "rule-0",
        key: "images/my cat.txt",
        size: 3,
        etag: "acbd18db4cc2f85cedef654fccc4a4d8",
        sequencer: s3Sequencer(26),
      }),
    ).toEqual({
      eventVersion: "2.1",
      eventSource: "aws:s3",
      awsRegion: "us-east-1",
      eventTime: "2024-01-02T03:04:05.678Z",
      eventName: "ObjectCreated:Put",
      userIdentity: { principalId: "acme" },
      requestParameters: { sourceIPAddress: "127.0.0.1" },
      responseElements: {},
      s3: {
        s3SchemaVersion: "1.0",
        configurationId: "rule-0",
        bucket: { name: "uploads", ownerIdentity: { principalId: "acme" }, arn: "arn:aws:s3:::uploads" },
        object: {
          key: "images/my+cat.txt",
          size: 3,
          eTag: "acbd18db4cc2f85cedef654fccc4a4d8",
          sequencer: "000000000000001A",
        },
      },
    });
  });

  it("leaves size and eTag out of a delete", () => {
    const record = s3EventRecord({
      tenant: "acme",
      bucket: "uploads",
      action: "DeleteObject",
      eventTime: T,
      configurationId: "rule-1",
      key: "a",
      size: 3,
      etag: "x",
      sequencer: s3Sequencer(1),
    });
    expect(record.eventName).toBe("ObjectRemoved:Delete");
    expect(record.s3.object).toEqual({ key: "a", sequencer: "0000000000000001" });
  });

  it("names every action as S3 does", () => {
    expect(s3EventName("PutObject")).toBe("ObjectCreated:Put");
    expect(s3EventName("CopyObject")).toBe("ObjectCreated:Copy");
    expect(s3EventName("CompleteMultipartUpload")).toBe("ObjectCreated:CompleteMultipartUpload");
    expect(s3EventName("DeleteObject")).toBe("ObjectRemoved:Delete");
  });

  it("URL-encodes keys with spaces as '+' and slashes kept, as S3 does, reversibly", () => {
    const keys = ["a b", "../../etc/passwd", "a\u0000b", "ünï+cødé 🚀", "x?y=1&z#w", "100%"];
    expect(encodeS3EventKey("a b/c+d")).toBe("a+b/c%2Bd");
    expect(encodeS3EventKey("ünï")).toBe("%C3%BCn%C3%AF");
    expect(encodeS3EventKey("a\u0000b")).toBe("a%00b");
    for (const key of keys) {
      expect(decodeURIComponent(encodeS3EventKey(key).replace(/\+/g, " "))).toBe(key);
    }
  });

  it("makes sequencers that compare as strings in write order", () => {
    const sequencers = [1, 9, 10, 255, 256, 4096, 2 ** 40].map(s3Sequencer);
    expect([...sequencers].sort()).toEqual(sequencers);
    expect(sequencers.every((s) => /^[0-9A-F]{16}$/.test(s))).toBe(true);
  });
});
