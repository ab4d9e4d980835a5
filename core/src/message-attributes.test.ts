import { describe, expect, it } from "vitest";
import { SkiffError } from "./errors.js";
import { parseMessageAttributes, snsMessageAttributes } from "./message-attributes.js";

function refusal(input: unknown): SkiffError {
  try {
    parseMessageAttributes(input);
  } catch (error) {
    if (error instanceof SkiffError) return error;
    throw error;
  }
  throw new Error("expected INVALID_REQUEST");
}

describe("message attributes", () => {
  it("accepts strings, numbers and arrays, and none", () => {
    expect(parseMessageAttributes({ color: "red", size: 12, tags: ["a", 1, true, null] })).toEqual({
      color: "red",
      size: 12,
      tags: ["a", 1, true, null],
    });
    expect(parseMessageAttributes(undefined)).toEqual({});
    expect(parseMessageAttributes(null)).toEqual({});
  });

  it.each([
    ["a list", ["a"]],
    ["a string", "a"],
    ["eleven attributes", Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, i]))],
    ["a bad name", { "a b": "x" }],
    ["a reserved name", { "AWS.thing": "x" }],
    ["an object value", { a: { b: 1 } }],
    ["a boolean value", { a: true }],
    ["NaN", { a: Number.NaN }],
    ["a nested array", { a: [["x"]] }],
    ["a long string", { a: "x".repeat(1025) }],
    ["__proto__", JSON.parse('{"__proto__": "x"}')],
  ])("refuses %s", (_what, input) => {
    expect(refusal(input).code).toBe("INVALID_REQUEST");
  });

  it("renders SNS's typed attribute values", () => {
    expect(snsMessageAttributes({ color: "red", size: 12, tags: ["a", "b"] })).toEqual({
      color: { Type: "String", Value: "red" },
      size: { Type: "Number", Value: "12" },
      tags: { Type: "String.Array", Value: '["a","b"]' },
    });
  });
});
