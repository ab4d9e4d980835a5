import { describe, expect, it } from "vitest";
import { rewriteSpecifiers } from "./specifier-rewrite.js";

describe("rewriteSpecifiers", () => {
  it("rewrites static imports, re-exports and literal dynamic imports, and nothing else", async () => {
    const source = [
      'import a from "./a.js";',
      "import { b } from './b';",
      'export * from "./a.js";',
      'const c = await import("./b");',
      'const s = "./a.js"; // a string, not an import',
      'import j from "./data.json" with { type: "json" };',
    ].join("\n");
    const output = await rewriteSpecifiers(
      source,
      new Map([
        ["./a.js", "./a.ts"],
        ["./b", "./b.ts"],
      ]),
    );
    expect(output).toBe(
      [
        'import a from "./a.ts";',
        "import { b } from './b.ts';",
        'export * from "./a.ts";',
        'const c = await import("./b.ts");',
        'const s = "./a.js"; // a string, not an import',
        'import j from "./data.json" with { type: "json" };',
      ].join("\n"),
    );
  });

  it("returns the source untouched when there is nothing to rewrite", async () => {
    const source = "export default 1 /* import x from './x' */";
    expect(await rewriteSpecifiers(source, new Map())).toBe(source);
    expect(await rewriteSpecifiers(source, new Map([["./y", "./y.js"]]))).toBe(source);
  });
});
