import type { CodeBundle } from "@skiff/core";
import ivm from "isolated-vm";
import { afterEach, describe, expect, it } from "vitest";
import { CompileCache } from "./compile-cache.js";
import { ModuleError, ModuleGraph, SYNC_COMPILE_MAX_CHARS } from "./module-graph.js";

const isolates: ivm.Isolate[] = [];
afterEach(() => {
  for (const isolate of isolates.splice(0)) isolate.dispose();
});

async function evaluate(bundle: CodeBundle, cache?: CompileCache): Promise<unknown> {
  const isolate = new ivm.Isolate({ memoryLimit: 64 });
  isolates.push(isolate);
  const context = await isolate.createContext();
  const namespace = await new ModuleGraph(isolate, bundle, cache).evaluate(context);
  await context.global.set("ns", namespace.derefInto());
  return context
    .eval("JSON.stringify(ns.default)", { copy: true })
    .then((text) => JSON.parse(text as string));
}

/** A module of about `chars` characters: a long comment, then an export. */
function padded(chars: number, value: string): string {
  return `/*${"x".repeat(chars)}*/\nexport default ${JSON.stringify(value)};`;
}

describe("ModuleGraph", () => {
  it("compiles small modules synchronously and large ones asynchronously, with the same result", async () => {
    const bundle: CodeBundle = {
      main: "index.js",
      modules: {
        "index.js": {
          type: "esm",
          content:
            'import small from "./small.js";\nimport large from "./lib/large.js";\nimport data from "./data.json";\n' +
            'import text from "./note.txt";\nimport cjs from "./old.cjs";\nexport default { small, large, data, text, cjs };',
        },
        "small.js": { type: "esm", content: padded(100, "small") },
        "lib/large.js": { type: "esm", content: padded(SYNC_COMPILE_MAX_CHARS + 10, "large") },
        "data.json": { type: "json", content: '{"a":1}' },
        "note.txt": { type: "text", content: "hi" },
        "old.cjs": { type: "commonjs", content: "module.exports = { old: true };" },
      },
    };
    const cache = new CompileCache();
    const expected = { small: "small", large: "large", data: { a: 1 }, text: "hi", cjs: { old: true } };
    expect(await evaluate(bundle, cache)).toEqual(expected);
    // The second time every module comes with its code cache, through both paths alike.
    expect(await evaluate(bundle, cache)).toEqual(expected);
  });

  it("names the module and line of a syntax error, on either path", async () => {
    for (const size of [10, SYNC_COMPILE_MAX_CHARS + 10]) {
      const content = `/*${"x".repeat(size)}*/\nconst ok = 1;\nexport default {;`;
      const error = await evaluate({ main: "bad.js", modules: { "bad.js": { type: "esm", content } } }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(ModuleError);
      expect(error).toMatchObject({ module: "bad.js", line: 3 });
    }
  });

  it("refuses an import that leaves the bundle before compiling it", async () => {
    const error = await evaluate({
      main: "index.js",
      modules: { "index.js": { type: "esm", content: 'import x from "./gone.js";\nexport default x;' } },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModuleError);
    expect((error as Error).message).toContain("no module gone.js was uploaded");
  });
});
