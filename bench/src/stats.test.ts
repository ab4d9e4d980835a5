import { describe, expect, it } from "vitest";
import { percentile, round, summarize } from "./stats.js";

describe("percentile", () => {
  it("takes the nearest rank", () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 99)).toBe(4);
    expect(percentile([7], 1)).toBe(7);
  });
  it("is NaN without values", () => {
    expect(percentile([], 50)).toBeNaN();
  });
});

describe("summarize", () => {
  it("sorts a copy and reports count, min, mean, p50, p99 and max", () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    const summary = summarize(values);
    expect(summary).toEqual({ count: 100, min: 1, mean: 50.5, p50: 50, p99: 99, max: 100 });
    expect(values[0]).toBe(100);
  });
});

describe("round", () => {
  it("keeps the given decimals and leaves NaN alone", () => {
    expect(round(1.23456)).toBe(1.235);
    expect(round(1.5, 0)).toBe(2);
    expect(round(Number.NaN)).toBeNaN();
  });
});
