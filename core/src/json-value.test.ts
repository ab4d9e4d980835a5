import { describe, expect, it } from "vitest";
import { isJsonValue } from "./json-value.js";

describe("isJsonValue", () => {
  it.each([
    ["a string", "x"],
    ["a number", -1.5e3],
    ["zero", 0],
    ["a boolean", true],
    ["null", null],
    ["an empty array", []],
    ["an empty object", {}],
    ["nested data", { a: [1, { b: null, c: "d" }], e: { f: false } }],
    ["an object without prototype", Object.assign(Object.create(null), { a: 1 })],
    [
      "the same object twice, not a cycle",
      (() => {
        const shared = { x: 1 };
        return [shared, shared];
      })(),
    ],
  ])("accepts %s", (_, value) => {
    expect(isJsonValue(value)).toBe(true);
  });

  it.each([
    ["undefined", undefined],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["a bigint", 1n],
    ["a symbol", Symbol("s")],
    ["a function", () => 1],
    ["a Date", new Date(0)],
    ["a Map", new Map()],
    ["an array holding undefined", [undefined]],
    ["an object holding a function", { f() {} }],
  ])("refuses %s", (_, value) => {
    expect(isJsonValue(value)).toBe(false);
  });

  it("refuses a cycle", () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(isJsonValue(cycle)).toBe(false);
  });

  it("refuses nesting deeper than the limit", () => {
    expect(isJsonValue([[1]], 2)).toBe(true);
    expect(isJsonValue([[[1]]], 2)).toBe(false);
    let deep: unknown = 0;
    for (let i = 0; i < 65; i++) deep = { d: deep };
    expect(isJsonValue(deep)).toBe(false);
  });
});
