import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration, formatPercent, formatUtc } from "./format.js";

describe("dashboard formatting", () => {
  it("writes durations in the unit that reads best", () => {
    expect([0.42, 9.96, 12.4, 999, 1_250, 59_999, 150_000, 7_200_000].map(formatDuration)).toEqual([
      "0.4 ms",
      "10 ms",
      "12 ms",
      "999 ms",
      "1.25 s",
      "60 s",
      "2.5 min",
      "2 h",
    ]);
  });

  it("writes sizes in binary multiples", () => {
    expect([0, 512, 1_536, 10 * 1024 * 1024, 3 * 1024 ** 3].map(formatBytes)).toEqual([
      "0 B",
      "512 B",
      "1.5 KB",
      "10 MB",
      "3 GB",
    ]);
  });

  it("writes times in UTC to the second", () => {
    expect(formatUtc(Date.UTC(2024, 4, 1, 12, 0, 3, 999))).toBe("2024-05-01 12:00:03 UTC");
  });

  it("writes shares as percentages, and none of nothing", () => {
    expect(formatPercent(1, 40)).toBe("2.5 %");
    expect(formatPercent(3, 3)).toBe("100 %");
    expect(formatPercent(0, 0)).toBe("–");
  });
});
