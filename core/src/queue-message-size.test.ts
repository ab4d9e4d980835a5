import { describe, expect, it } from "vitest";
import { isBase64, queueMessageBytes } from "./queue-message-size.js";

describe("queue message size", () => {
  it("counts each content type as it is held", () => {
    expect(queueMessageBytes({ n: 1 }, "json")).toBe(7);
    expect(queueMessageBytes("héllo", "text")).toBe(6);
    expect(queueMessageBytes(Buffer.from("abcde").toString("base64"), "bytes")).toBe(5);
    expect(queueMessageBytes(Buffer.from("abcdef").toString("base64"), "bytes")).toBe(6);
    expect(queueMessageBytes("héllo", "json")).toBe(8);
  });

  it("adds the attributes as JSON", () => {
    expect(queueMessageBytes("x", "text", { a: "b" })).toBe(1 + '{"a":"b"}'.length);
    expect(queueMessageBytes("x", "text", {})).toBe(1);
  });

  it("tells base64 from other text", () => {
    expect(isBase64("aGVsbG8=")).toBe(true);
    expect(isBase64("")).toBe(true);
    expect(isBase64("aGVsbG8")).toBe(false);
    expect(isBase64("a b=")).toBe(false);
  });
});
