import { describe, expect, it } from "vitest";
import { clampListLimit } from "./list-limit.js";

describe("clampListLimit", () => {
  it.each([
    [undefined, 50],
    [Number.NaN, 50],
    [Number.POSITIVE_INFINITY, 50],
    [0, 1],
    [-5, 1],
    [1, 1],
    [7.9, 7],
    [1000, 1000],
    [1001, 1000],
  ])("%s → %s", (limit, expected) => {
    expect(clampListLimit(limit)).toBe(expected);
  });
});
