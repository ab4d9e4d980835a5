import { describe, expect, it } from "vitest";
import { bundleOfSize, helloVariant } from "./code-variants.js";
import { echoPayload } from "./payload.js";

describe("bundleOfSize", () => {
  it("makes a module of about the asked size whose text depends on the seed", () => {
    const a = bundleOfSize(64 * 1024, "a");
    const b = bundleOfSize(64 * 1024, "b");
    expect(a.length).toBeGreaterThan(63 * 1024);
    expect(a.length).toBeLessThan(65 * 1024);
    expect(a).not.toBe(b);
    expect(a).toContain("export default");
  });
  it("is valid JavaScript", () => {
    const source = bundleOfSize(8 * 1024, "x")
      .replaceAll("export function", "function")
      .replace("export default", "return");
    const handler = new Function("Response", source)(class {}) as { fetch: unknown };
    expect(typeof handler.fetch).toBe("function");
  });
});

describe("helloVariant", () => {
  it("keeps the module and makes the text unique", () => {
    expect(helloVariant("export default {}", "1")).toBe("// variant 1\nexport default {}");
  });
});

describe("echoPayload", () => {
  it("is JSON just under 16 KB", () => {
    const text = echoPayload();
    expect(text.length).toBeLessThanOrEqual(16 * 1024);
    expect(text.length).toBeGreaterThan(15 * 1024);
    expect(JSON.parse(text).items.length).toBeGreaterThan(50);
  });
});
