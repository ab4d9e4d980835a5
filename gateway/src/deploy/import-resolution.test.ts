import { describe, expect, it } from "vitest";
import { resolveImport } from "./import-resolution.js";

const paths = new Set([
  "index.js",
  "lib/util.js",
  "lib/math.ts",
  "lib/view.tsx",
  "lib/index.ts",
  "data.json",
  "add.wasm",
  "deep/a/b.mjs",
  "esm.mts",
]);

describe("resolveImport", () => {
  it.each([
    ["index.js", "./lib/util.js", "lib/util.js", "./lib/util.js"],
    ["lib/util.js", "../data.json", "data.json", "../data.json"],
    ["lib/util.js", "./../add.wasm", "add.wasm", "./../add.wasm"],
    ["deep/a/b.mjs", "../../index.js", "index.js", "../../index.js"],
    ["index.js", "./lib/./util.js", "lib/util.js", "./lib/./util.js"],
  ])("resolves %s → %s exactly, keeping the specifier", (importer, specifier, path, kept) => {
    expect(resolveImport(importer, specifier, paths)).toEqual({ ok: true, path, specifier: kept });
  });

  it.each([
    ["index.js", "./lib/math.js", "lib/math.ts", "./lib/math.ts"],
    ["index.js", "./lib/view.js", "lib/view.tsx", "./lib/view.tsx"],
    ["index.js", "./lib/view.jsx", "lib/view.tsx", "./lib/view.tsx"],
    ["index.js", "./esm.mjs", "esm.mts", "./esm.mts"],
    ["index.js", "./lib/math", "lib/math.ts", "./lib/math.ts"],
    ["index.js", "./lib/util", "lib/util.js", "./lib/util.js"],
    ["index.js", "./data", "data.json", "./data.json"],
    ["index.js", "./lib", "lib/index.ts", "./lib/index.ts"],
    ["deep/a/b.mjs", "../../lib/math", "lib/math.ts", "../../lib/math.ts"],
    ["lib/math.ts", "./util", "lib/util.js", "./util.js"],
  ])(
    "resolves %s → %s by TypeScript's conventions, with the exact specifier",
    (importer, specifier, path, exact) => {
      expect(resolveImport(importer, specifier, paths)).toEqual({ ok: true, path, specifier: exact });
    },
  );

  it.each([
    ["./missing.js", "no module missing.js was uploaded"],
    ["./lib/util.ts", "no module lib/util.ts was uploaded"],
    ["../index.js", "points outside the uploaded modules"],
    ["./lib/../../x.js", "points outside the uploaded modules"],
    ["hono", "bundle npm packages into the upload"],
    ["@scope/pkg", "bundle npm packages"],
    ["node:fs", "Node.js built-in modules are not available"],
    ["/index.js", "import uploaded modules by relative path"],
    ["https://esm.sh/x", "only relative imports"],
  ])("refuses %s from index.js: %s", (specifier, message) => {
    const resolution = resolveImport("index.js", specifier, paths);
    expect(resolution.ok).toBe(false);
    expect(resolution.ok ? "" : resolution.message).toContain(message);
    expect(resolution.ok ? "" : resolution.message).toContain(`"${specifier}"`);
  });
});
