import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bundleEntry, isSyntaxErrorIn } from "./bundle.js";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "skiff-bundle-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("bundleEntry", () => {
  it("counts the entry's imports and the bundle's inputs, and inlines text files", async () => {
    await writeFile(join(dir, "index.js"), 'import page from "./page.html";\nexport default { page };');
    await writeFile(join(dir, "page.html"), "<h1>hi</h1>");
    const result = await bundleEntry(join(dir, "index.js"), dir);
    expect(result.entryImports).toBe(1);
    expect(result.inputs.sort()).toEqual(["index.js", "page.html"]);
    expect(result.main).toBe("index.js");
    expect(result.modules["index.js"]).toContain('"<h1>hi</h1>"');
  });

  it("replaces process.env.NODE_ENV, which libraries read and isolates lack", async () => {
    await writeFile(join(dir, "index.js"), "export default process.env.NODE_ENV;");
    const result = await bundleEntry(join(dir, "index.js"), dir);
    expect(result.entryImports).toBe(0);
    expect(result.modules["index.js"]).toContain('"production"');
    expect(result.modules["index.js"]).not.toContain("process");
  });

  it("refuses an import that would give a file of a type Skiff does not load", async () => {
    await writeFile(join(dir, "index.js"), 'import "./style.css";\nexport default {};');
    await writeFile(join(dir, "style.css"), "a { color: red }");
    await expect(bundleEntry(join(dir, "index.js"), dir)).rejects.toThrow(
      /a type Skiff does not load: index\.css/,
    );
  });
});

describe("isSyntaxErrorIn", () => {
  it("is true only when every error is a syntax error in the entry", () => {
    const syntax = { text: 'Unexpected "}"', location: { file: "a.js" } };
    const unresolved = { text: 'Could not resolve "x"', location: { file: "a.js" } };
    const elsewhere = { text: 'Unexpected "}"', location: { file: "b.js" } };
    expect(isSyntaxErrorIn({ errors: [syntax] }, "a.js")).toBe(true);
    expect(isSyntaxErrorIn({ errors: [syntax, unresolved] }, "a.js")).toBe(false);
    expect(isSyntaxErrorIn({ errors: [elsewhere] }, "a.js")).toBe(false);
    expect(isSyntaxErrorIn({ errors: [] }, "a.js")).toBe(false);
    expect(isSyntaxErrorIn(new Error("x"), "a.js")).toBe(false);
  });
});
