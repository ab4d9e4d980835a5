import { describe, expect, it } from "vitest";
import { monthStart, parseTimeBound, resolveTimeRange } from "./time-range.js";

const NOW = Date.UTC(2026, 10, 17, 15, 30);

describe("parseTimeBound", () => {
  it("reads epoch ms, ISO dates and times, and durations back from now", () => {
    expect(parseTimeBound("1700000000000", NOW)).toBe(1_700_000_000_000);
    expect(parseTimeBound("2026-11-01", NOW)).toBe(Date.UTC(2026, 10, 1));
    expect(parseTimeBound("2026-11-01T12:00:00Z", NOW)).toBe(Date.UTC(2026, 10, 1, 12));
    expect(parseTimeBound("2026-11-01T12:00+02:00", NOW)).toBe(Date.UTC(2026, 10, 1, 10));
    expect(parseTimeBound("24h", NOW)).toBe(NOW - 86_400_000);
  });

  it("refuses anything else, including a local time without a zone", () => {
    for (const bad of ["", "yesterday", "2026-11-01T12:00:00", "2026-13-45", "-5", "1e12", "7w"]) {
      expect(parseTimeBound(bad, NOW), bad).toBeUndefined();
    }
  });
});

describe("resolveTimeRange", () => {
  it("defaults to this UTC month so far", () => {
    expect(monthStart(NOW)).toBe(Date.UTC(2026, 10, 1));
    expect(resolveTimeRange({}, NOW)).toEqual({ from: Date.UTC(2026, 10, 1), to: NOW });
  });

  it("refuses a bad bound or a range that ends before it starts, naming the field", () => {
    expect(() => resolveTimeRange({ from: "soon" }, NOW)).toThrow(/"from" must be/);
    expect(() => resolveTimeRange({ from: "1h", to: "2h" }, NOW)).toThrow(/"to" .* is before "from"/);
  });
});
