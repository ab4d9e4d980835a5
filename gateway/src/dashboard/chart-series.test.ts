import { describe, expect, it } from "vitest";
import { type ChartedRecord, chartSeries, niceCeiling, percentile } from "./chart-series.js";

const record = (
  startedAt: number,
  wallMs: number,
  outcome: ChartedRecord["outcome"] = "ok",
  cold = false,
) => ({
  startedAt,
  wallMs,
  outcome,
  cold,
});

describe("percentile", () => {
  it("is the nearest rank", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3], 50)).toBe(2);
    expect(percentile([1, 2, 3], 99)).toBe(3);
    expect(percentile([], 50)).toBeUndefined();
  });
});

describe("chartSeries", () => {
  it("counts invocations and errors per slice and leaves out what is outside the window", () => {
    const to = 10_000;
    const series = chartSeries(
      [
        record(0, 5), // before the window
        record(1_000, 10), // first slice: [1000, 4000)
        record(3_999, 30, "exception"),
        record(4_000, 20, "ok", true), // second slice
        record(10_000, 40, "timeout"), // exactly at `to`: last slice
        record(10_001, 50), // after the window
      ],
      to,
      9_000,
      3,
    );
    expect(series.from).toBe(1_000);
    expect(series.buckets.map((b) => [b.start, b.end, b.invocations, b.errors])).toEqual([
      [1_000, 4_000, 2, 1],
      [4_000, 7_000, 1, 0],
      [7_000, 10_000, 1, 1],
    ]);
    expect(series.buckets[0]).toMatchObject({ p50Ms: 10, p99Ms: 30 });
    expect(series.summary).toEqual({ invocations: 4, errors: 2, coldStarts: 1, p50Ms: 20, p99Ms: 40 });
  });

  it("leaves the percentiles out of empty slices", () => {
    const series = chartSeries([], 1_000, 1_000, 2);
    expect(series.buckets).toEqual([
      { start: 0, end: 500, invocations: 0, errors: 0 },
      { start: 500, end: 1_000, invocations: 0, errors: 0 },
    ]);
    expect(series.summary).toEqual({ invocations: 0, errors: 0, coldStarts: 0 });
  });
});

describe("niceCeiling", () => {
  it("rounds up to 1, 2 or 5 times a power of ten", () => {
    expect([0, 1, 3, 7, 10, 11, 180, 501, 0.3].map(niceCeiling)).toEqual([1, 1, 5, 10, 10, 20, 200, 1000, 1]);
  });
});
