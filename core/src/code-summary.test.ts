import { describe, expect, it } from "vitest";
import { summarizeCodeBundle } from "./code-summary.js";

describe("summarizeCodeBundle", () => {
  it("lists modules sorted by path with their types and byte sizes, never contents", () => {
    const wasm = Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 9]).toString("base64");
    const summary = summarizeCodeBundle({
      main: "index.js",
      modules: {
        "lib/z.js": { type: "esm", content: "export const z = 'ü';" },
        "index.js": { type: "esm", content: "import './lib/z.js'", sourceMap: "{}" },
        "add.wasm": { type: "wasm", content: wasm },
        "data.json": { type: "json", content: "[1]" },
      },
    });
    expect(summary).toEqual({
      main: "index.js",
      modules: [
        { path: "add.wasm", type: "wasm", size: 9 },
        { path: "data.json", type: "json", size: 3 },
        { path: "index.js", type: "esm", size: 19 },
        { path: "lib/z.js", type: "esm", size: 22 },
      ],
    });
  });

  it.each([0, 1, 2, 3, 4, 5])("counts %i wasm bytes from base64 of any padding", (length) => {
    const content = Buffer.alloc(length, 7).toString("base64");
    const summary = summarizeCodeBundle({ main: "a.js", modules: { "a.wasm": { type: "wasm", content } } });
    expect(summary.modules[0]?.size).toBe(length);
  });
});
