import { describe, expect, it } from "vitest";
import { versionOf } from "../testing/fixtures.js";
import { SpecCache } from "./spec-cache.js";

describe("SpecCache", () => {
  it("keeps the most recently used specs up to its bound", () => {
    const cache = new SpecCache(2);
    const [a, b, c] = [versionOf("a"), versionOf("b"), versionOf("c")];
    cache.set(1, a);
    cache.set(2, b);
    expect(cache.get(1)).toBe(a);
    cache.set(3, c);
    expect(cache.get(2)).toBeUndefined();
    expect(cache.get(1)).toBe(a);
    expect(cache.get(3)).toBe(c);
    expect(cache.size).toBe(2);
  });

  it("drops every spec of an evicted version", () => {
    const cache = new SpecCache();
    const spec = versionOf("a");
    cache.set(1, spec);
    cache.set(2, { ...spec, secrets: { K: "v" } });
    cache.set(3, versionOf("b"));
    cache.deleteVersion(spec.id);
    expect([cache.get(1), cache.get(2), cache.get(3)?.functionName]).toEqual([undefined, undefined, "b"]);
  });
});
