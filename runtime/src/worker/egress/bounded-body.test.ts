import { describe, expect, it } from "vitest";
import { readBounded } from "./bounded-body.js";

describe("readBounded", () => {
  it("returns a fresh array of exactly the body's size", async () => {
    const pooled = Buffer.from("abc");
    const body = await readBounded([pooled, Buffer.from("de")], 5);
    expect(body).toEqual(new Uint8Array([97, 98, 99, 100, 101]));
    expect(Buffer.isBuffer(body)).toBe(false);
    expect(body.buffer.byteLength).toBe(5);
  });

  it("stops at the first byte past the limit and closes the source", async () => {
    let closed = false;
    async function* endless() {
      try {
        for (;;) yield new Uint8Array(100);
      } finally {
        closed = true;
      }
    }
    await expect(readBounded(endless(), 250)).rejects.toThrow("response body larger than 250 bytes");
    expect(closed).toBe(true);
  });
});
