import { describe, expect, it } from "vitest";
import { ConcurrencyLimiter } from "./concurrency.js";

describe("ConcurrencyLimiter", () => {
  it("admits up to the limit and queues the rest in order", async () => {
    const limiter = new ConcurrencyLimiter();
    const first = await limiter.acquire("v", 1, 1000);
    const order: number[] = [];
    const second = limiter.acquire("v", 1, 1000).then((release) => {
      order.push(2);
      return release;
    });
    const third = limiter.acquire("v", 1, 1000).then((release) => {
      order.push(3);
      return release;
    });
    expect(limiter.active("v")).toBe(1);
    first();
    (await second)();
    (await third)();
    expect(order).toEqual([2, 3]);
    expect(limiter.active("v")).toBe(0);
  });

  it("takes a free slot at once with tryAcquire, and none past the limit", async () => {
    const limiter = new ConcurrencyLimiter();
    const first = limiter.tryAcquire("v", 2);
    const second = limiter.tryAcquire("v", 2);
    expect(first).toBeTypeOf("function");
    expect(second).toBeTypeOf("function");
    expect(limiter.tryAcquire("v", 2)).toBeUndefined();
    expect(limiter.active("v")).toBe(2);
    const waiting = limiter.acquire("v", 2, 1000);
    first?.();
    // The freed slot went to the waiter, not to a newcomer.
    expect(limiter.tryAcquire("v", 2)).toBeUndefined();
    (await waiting)();
    second?.();
    expect(limiter.active("v")).toBe(0);
  });

  it("rejects with TOO_MANY_REQUESTS when no slot frees up in time", async () => {
    const limiter = new ConcurrencyLimiter();
    const held = await limiter.acquire("v", 1, 1000);
    await expect(limiter.acquire("v", 1, 10)).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      status: 429,
    });
    held();
    const again = await limiter.acquire("v", 1, 10);
    again();
    again(); // releasing twice must not free a second slot
    expect(limiter.active("v")).toBe(0);
  });

  it("keeps versions independent", async () => {
    const limiter = new ConcurrencyLimiter();
    await limiter.acquire("a", 1, 10);
    const b = await limiter.acquire("b", 1, 10);
    expect(limiter.active("b")).toBe(1);
    b();
  });
});
