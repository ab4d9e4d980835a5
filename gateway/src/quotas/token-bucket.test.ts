import { describe, expect, it } from "vitest";
import { TokenBucket } from "./token-bucket.js";

describe("TokenBucket", () => {
  it("lets a full burst through at once, then one request per refilled token", () => {
    const bucket = new TokenBucket(2, 4, 0);
    expect([0, 0, 0, 0].map(() => bucket.take(0))).toEqual([0, 0, 0, 0]);
    expect(bucket.take(0)).toBe(1);
    // 2 tokens per second: one is back after 500 ms.
    expect(bucket.take(499)).toBe(1);
    expect(bucket.take(500)).toBe(0);
    expect(bucket.take(500)).toBe(1);
    expect(bucket.tokens(10_000)).toBe(4);
  });

  it("rounds the wait up to whole seconds, never below 1", () => {
    const slow = new TokenBucket(0.25, 1, 0);
    expect(slow.take(0)).toBe(0);
    expect(slow.take(0)).toBe(4);
    expect(slow.take(3_000)).toBe(1);
    const fast = new TokenBucket(1000, 1, 0);
    expect(fast.take(0)).toBe(0);
    expect(fast.take(0)).toBe(1);
  });

  it("never refills at a rate of 0, and a clock stepping back takes nothing away", () => {
    const closed = new TokenBucket(0, 1, 0);
    expect(closed.take(0)).toBe(0);
    expect(closed.take(1_000_000)).toBe(60);
    const bucket = new TokenBucket(1, 2, 10_000);
    expect(bucket.take(10_000)).toBe(0);
    expect(bucket.tokens(5_000)).toBe(1);
    expect(bucket.tokens(11_000)).toBe(2);
  });
});
