import { describe, expect, it } from "vitest";
import { isCodeType, moduleKindOf } from "./module-type.js";

describe("moduleKindOf", () => {
  it.each([
    ["index.js", { type: "esm" }],
    ["lib/a.mjs", { type: "esm" }],
    ["legacy.cjs", { type: "commonjs" }],
    ["index.ts", { type: "esm", typescript: "ts" }],
    ["x.mts", { type: "esm", typescript: "ts" }],
    ["view.tsx", { type: "esm", typescript: "tsx" }],
    ["data.json", { type: "json" }],
    ["add.wasm", { type: "wasm" }],
    ["notes.txt", { type: "text" }],
    ["page.html", { type: "text" }],
    ["UPPER.JS", { type: "esm" }],
    ["a.b/c.d.ts", { type: "esm", typescript: "ts" }],
  ])("reads %s as %j", (path, kind) => {
    expect(moduleKindOf(path)).toEqual(kind);
  });

  it.each(["Makefile", "lib/.js/x", "a.py", "a.cts", "dir.js/readme", "a.", "a.d"])(
    "does not load %s",
    (path) => {
      expect(moduleKindOf(path)).toBeUndefined();
    },
  );

  it("tells code from data", () => {
    expect(["esm", "commonjs"].every((t) => isCodeType(t as "esm"))).toBe(true);
    expect(["json", "wasm", "text"].some((t) => isCodeType(t as "json"))).toBe(false);
  });
});
