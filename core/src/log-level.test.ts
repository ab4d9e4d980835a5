import { describe, expect, it } from "vitest";
import { LOG_LEVELS, logLevelSeverity } from "./log-level.js";

describe("logLevelSeverity", () => {
  it("ranks debug < info = log < warn < error", () => {
    const ranks = LOG_LEVELS.map(logLevelSeverity);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(logLevelSeverity("info")).toBe(logLevelSeverity("log"));
    expect(logLevelSeverity("debug")).toBeLessThan(logLevelSeverity("info"));
    expect(logLevelSeverity("warn")).toBeLessThan(logLevelSeverity("error"));
  });
});
