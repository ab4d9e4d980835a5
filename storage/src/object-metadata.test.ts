import { describe, expect, it } from "vitest";
import { normalizeObjectMetadata } from "./object-metadata.js";

describe("object metadata", () => {
  it("lowercases names and keeps values", () => {
    expect(normalizeObjectMetadata({ Owner: "Ann", "X-Thing": "ünï" })).toEqual({
      owner: "Ann",
      "x-thing": "ünï",
    });
    expect(normalizeObjectMetadata(undefined)).toEqual({});
  });

  it("keeps __proto__ as a plain name", () => {
    const stored = normalizeObjectMetadata(JSON.parse('{"__proto__": "x"}') as Record<string, string>);
    expect(Object.keys(stored)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(stored)).toBe(Object.prototype);
  });

  it("refuses more than 2 KB and non-string values", () => {
    expect(normalizeObjectMetadata({ a: "v".repeat(2047) })).toEqual({ a: "v".repeat(2047) });
    expect(() => normalizeObjectMetadata({ a: "v".repeat(2048) })).toThrow(
      expect.objectContaining({ code: "INVALID_REQUEST", details: { s3: "MetadataTooLarge" } }),
    );
    expect(() => normalizeObjectMetadata({ a: 1 as unknown as string })).toThrow(/values are strings/);
  });
});
