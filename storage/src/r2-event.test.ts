import { describe, expect, it } from "vitest";
import { r2EventBody } from "./r2-event.js";

const T = Date.UTC(2024, 0, 2, 3, 4, 5, 678);

describe("R2 event bodies", () => {
  it("has R2's message shape for a put, with the key as is", () => {
    expect(
      r2EventBody({
        tenant: "acme",
        bucket: "uploads",
        action: "PutObject",
        eventTime: T,
        key: "images/my cat.txt",
        size: 3,
        etag: "acbd18db4cc2f85cedef654fccc4a4d8",
      }),
    ).toEqual({
      account: "acme",
      action: "PutObject",
      bucket: "uploads",
      object: { key: "images/my cat.txt", size: 3, eTag: "acbd18db4cc2f85cedef654fccc4a4d8" },
      eventTime: "2024-01-02T03:04:05.678Z",
    });
  });

  it("names the copy source of a copy", () => {
    const body = r2EventBody({
      tenant: "acme",
      bucket: "dst",
      action: "CopyObject",
      eventTime: T,
      key: "b",
      size: 1,
      etag: "e",
      copySource: { bucket: "src", key: "a" },
    });
    expect(body.copySource).toEqual({ bucket: "src", object: "a" });
    expect(body.action).toBe("CopyObject");
  });

  it("sends only the key of a delete, and no copy source outside copies", () => {
    expect(
      r2EventBody({
        tenant: "acme",
        bucket: "b",
        action: "DeleteObject",
        eventTime: T,
        key: "k",
        size: 1,
        etag: "e",
        copySource: { bucket: "x", key: "y" },
      }),
    ).toEqual({
      account: "acme",
      action: "DeleteObject",
      bucket: "b",
      object: { key: "k" },
      eventTime: "2024-01-02T03:04:05.678Z",
    });
  });
});
