import { describe, expect, it } from "vitest";
import { EventWindow } from "./event-window.js";

describe("EventWindow", () => {
  it("admits up to the limit within a minute and says when the oldest events leave", () => {
    const window = new EventWindow();
    expect(window.admit(0, 2, 3)).toBe(0);
    expect(window.admit(10_500, 1, 3)).toBe(0);
    expect(window.count(10_500)).toBe(3);
    // The two events of second 0 leave when second 60 begins: 49.5 s from 10.5 s, rounded up.
    expect(window.admit(10_500, 1, 3)).toBe(50);
    expect(window.count(10_500)).toBe(3);
    expect(window.admit(59_999, 1, 3)).toBe(1);
    expect(window.admit(60_000, 2, 3)).toBe(0);
    expect(window.count(60_000)).toBe(3);
    // Second 10's event leaves at 70 s.
    expect(window.admit(60_000, 1, 3)).toBe(10);
  });

  it("frees only as many of the oldest events as a batch needs", () => {
    const window = new EventWindow();
    window.admit(0, 1, 10);
    window.admit(5_000, 1, 10);
    window.admit(20_000, 8, 10);
    expect(window.admit(30_000, 1, 10)).toBe(30);
    expect(window.admit(30_000, 2, 10)).toBe(35);
    expect(window.admit(30_000, 3, 10)).toBe(50);
  });

  it("refuses a batch larger than the limit for a full minute, and counts without a limit", () => {
    const window = new EventWindow();
    expect(window.admit(0, 5, 4)).toBe(60);
    expect(window.count(0)).toBe(0);
    expect(window.admit(0, 1_000_000, Number.POSITIVE_INFINITY)).toBe(0);
    expect(window.count(59_999)).toBe(1_000_000);
    expect(window.count(60_000)).toBe(0);
  });

  it("forgets a slot's old second when the slot comes round again", () => {
    const window = new EventWindow();
    window.admit(1_000, 3, 100);
    window.admit(61_000, 1, 100);
    expect(window.count(61_000)).toBe(1);
    expect(window.count(120_999)).toBe(1);
    expect(window.count(121_000)).toBe(0);
  });
});
