import { describe, expect, it } from "vitest";
import { versionOf } from "../testing/fixtures.js";
import { SpecRegistry } from "./spec-registry.js";

describe("SpecRegistry", () => {
  it("sends a spec once per worker, then only its number", () => {
    const registry = new SpecRegistry<object>();
    const [a, b] = [{}, {}];
    const spec = versionOf("hello");
    const first = registry.reference(spec, a);
    expect(first).toEqual({ specId: expect.any(Number), version: spec });
    expect(registry.reference(spec, a)).toEqual({ specId: first.specId });
    expect(registry.reference(spec, b)).toEqual({ specId: first.specId, version: spec });
  });

  it("numbers a replaced spec (new secrets) anew, and sends it again to a worker that dropped it", () => {
    const registry = new SpecRegistry<object>();
    const worker = {};
    const spec = versionOf("hello");
    const rotated = { ...spec, secrets: { TOKEN: "new" } };
    const first = registry.reference(spec, worker);
    const second = registry.reference(rotated, worker);
    expect(second.specId).not.toBe(first.specId);
    expect(second.version).toBe(rotated);
    registry.forget(spec, worker);
    expect(registry.reference(spec, worker)).toEqual({ specId: first.specId, version: spec });
  });
});
