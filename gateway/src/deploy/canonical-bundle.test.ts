import { describe, expect, it } from "vitest";
import { encodeCodeBundle } from "./canonical-bundle.js";

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("encodeCodeBundle", () => {
  it("sorts modules and fields, so equal bundles give equal bytes", () => {
    const a = encodeCodeBundle({
      main: "index.js",
      modules: {
        "z.js": { content: "z", type: "esm" },
        "index.js": { sourceMap: "{}", content: "i", type: "esm" },
      },
    });
    const b = encodeCodeBundle({
      main: "index.js",
      modules: {
        "index.js": { type: "esm", content: "i", sourceMap: "{}" },
        "z.js": { type: "esm", content: "z" },
      },
    });
    expect(decode(a)).toBe(
      '{"main":"index.js","modules":{"index.js":{"type":"esm","content":"i","sourceMap":"{}"},"z.js":{"type":"esm","content":"z"}}}',
    );
    expect(b).toEqual(a);
  });

  it("round-trips through JSON.parse", () => {
    const bundle = { main: "a.js", modules: { "a.js": { type: "esm" as const, content: 'ünï \u2028 "q"' } } };
    expect(JSON.parse(decode(encodeCodeBundle(bundle)))).toEqual(bundle);
  });
});
