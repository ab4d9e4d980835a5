import { describe, expect, it } from "vitest";
import { parseSince, SINCE_PATTERN } from "./since.js";

const NOW = 1_700_000_000_000;

describe("parseSince", () => {
  it("reads a bare whole number as epoch milliseconds", () => {
    expect(parseSince("1699999999000", NOW)).toBe(1_699_999_999_000);
    expect(parseSince("0", NOW)).toBe(0);
  });

  it.each([
    ["500ms", 500],
    ["30s", 30_000],
    ["10m", 600_000],
    ["2h", 7_200_000],
    ["1d", 86_400_000],
  ])("reads %s as that long before now", (value, ms) => {
    expect(parseSince(value, NOW)).toBe(NOW - ms);
  });

  it("never goes before the epoch", () => {
    expect(parseSince("999999999d", 1_000)).toBe(0);
  });

  it.each(["", "10 m", "-5m", "1.5h", "10M", "10min", "m", "1e3", "0x10", "10m ", "1234567890123456"])(
    "rejects %j",
    (value) => {
      expect(parseSince(value, NOW)).toBeUndefined();
      expect(SINCE_PATTERN.test(value)).toBe(false);
    },
  );

  it.each(["0", "1700000000000", "500ms", "30s", "10m", "2h", "1d"])(
    "matches %j in SINCE_PATTERN",
    (value) => {
      expect(SINCE_PATTERN.test(value)).toBe(true);
    },
  );
});
