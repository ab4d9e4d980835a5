import { describe, expect, it } from "vitest";
import { FollowBuffer } from "./follow-buffer.js";

describe("FollowBuffer", () => {
  it("hands over everything waiting in one batch, in order", async () => {
    const buffer = new FollowBuffer<number>(10);
    buffer.push(1);
    buffer.push(2);
    expect(await buffer.next(60_000)).toEqual({ items: [1, 2], dropped: 0 });
  });

  it("wakes a waiting reader on push", async () => {
    const buffer = new FollowBuffer<string>(10);
    const next = buffer.next(60_000);
    buffer.push("late");
    expect(await next).toEqual({ items: ["late"], dropped: 0 });
  });

  it("answers idle when nothing arrives in time", async () => {
    const buffer = new FollowBuffer<string>(10);
    expect(await buffer.next(1)).toBe("idle");
    buffer.push("after");
    expect(await buffer.next(1)).toEqual({ items: ["after"], dropped: 0 });
  });

  it("drops and counts what does not fit, reporting the count once with the next batch", async () => {
    const buffer = new FollowBuffer<number>(3);
    for (let i = 1; i <= 10; i++) buffer.push(i);
    expect(await buffer.next(60_000)).toEqual({ items: [1, 2, 3], dropped: 7 });
    buffer.push(11);
    buffer.push(12);
    buffer.push(13);
    buffer.push(14);
    expect(await buffer.next(60_000)).toEqual({ items: [11, 12, 13], dropped: 1 });
    expect(buffer.droppedTotal).toBe(8);
  });

  it("ends a waiting reader on close and every later one too", async () => {
    const buffer = new FollowBuffer<number>(3);
    const next = buffer.next(60_000);
    buffer.close();
    expect(await next).toBe("closed");
    buffer.push(1);
    expect(await buffer.next(60_000)).toBe("closed");
  });

  it("refuses a capacity below one", () => {
    expect(() => new FollowBuffer(0)).toThrow(RangeError);
  });
});
