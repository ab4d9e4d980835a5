import { SkiffError } from "@skiff/core";
import { describe, expect, it } from "vitest";
import { resolveModuleImports, type SourceModule } from "./module-imports.js";

const esm = (path: string, source: string, loader: SourceModule["loader"] = "js"): SourceModule => ({
  path,
  source,
  type: "esm",
  loader,
});

async function failure(modules: SourceModule[], paths: string[]): Promise<SkiffError> {
  const error = await resolveModuleImports(modules, new Set(paths)).catch((e: unknown) => e);
  if (error instanceof SkiffError) return error;
  throw new Error(`expected INVALID_CODE, got ${String(error)}`);
}

describe("resolveModuleImports", () => {
  it("accepts imports that name uploaded modules exactly, with nothing to rewrite", async () => {
    const modules = [
      esm(
        "index.js",
        'import { add } from "./lib/add.js";\nimport data from "./data.json";\nexport default { add, data };',
      ),
      esm(
        "lib/add.js",
        'export { default as wasm } from "../add.wasm";\nexport const add = (a, b) => a + b;',
      ),
    ];
    const rewrites = await resolveModuleImports(
      modules,
      new Set(["index.js", "lib/add.js", "data.json", "add.wasm"]),
    );
    expect(rewrites.size).toBe(0);
  });

  it("records the exact specifier for TypeScript-style imports, per importing module", async () => {
    const modules = [
      esm(
        "index.ts",
        'import { f } from "./f.js";\nimport { g } from "./g";\nexport default { f, g } as const;',
        "ts",
      ),
      esm("f.ts", 'import { g } from "./g.js";\nexport const f = (): number => g;', "ts"),
      esm("g.ts", "export const g: number = 1;", "ts"),
    ];
    const rewrites = await resolveModuleImports(modules, new Set(["index.ts", "f.ts", "g.ts"]));
    expect(rewrites).toEqual(
      new Map([
        [
          "index.ts",
          new Map([
            ["./f.js", "./f.ts"],
            ["./g", "./g.ts"],
          ]),
        ],
        ["f.ts", new Map([["./g.js", "./g.ts"]])],
      ]),
    );
  });

  it("ignores type-only imports of TypeScript, which the transform drops", async () => {
    const modules = [esm("index.ts", 'import type { T } from "./types";\nexport const x: T | 1 = 1;', "ts")];
    expect((await resolveModuleImports(modules, new Set(["index.ts"]))).size).toBe(0);
  });

  it("names the file and line of an import that does not resolve", async () => {
    const error = await failure(
      [
        esm("index.js", 'import "./ok.js";\n\nimport { x } from "./lib/missing.js";\nexport default x;'),
        esm("ok.js", ""),
      ],
      ["index.js", "ok.js"],
    );
    expect(error.code).toBe("INVALID_CODE");
    expect(error.message).toBe(
      'index.js: cannot import "./lib/missing.js": no module lib/missing.js was uploaded (line 3, column 19)',
    );
    expect(error.details).toMatchObject({ file: "index.js", line: 3, column: 19 });
  });

  it("points at the uploaded TypeScript line, not the transformed one", async () => {
    const error = await failure(
      [
        esm(
          "src/main.ts",
          'type A = {\n  a: string;\n};\nimport { b } from "b-package";\nexport const c: A = b;',
          "ts",
        ),
      ],
      ["src/main.ts"],
    );
    expect(error.message).toContain("src/main.ts:");
    expect(error.message).toContain("bundle npm packages");
    expect(error.details).toMatchObject({ file: "src/main.ts", line: 4 });
  });

  it("leaves a JavaScript syntax error to the runtime, whose V8 is the judge", async () => {
    const modules = [
      esm("index.js", 'import "./lib/bad.js";'),
      esm("lib/bad.js", "export const x = 1;\nexport const = 2;"),
    ];
    expect((await resolveModuleImports(modules, new Set(["index.js", "lib/bad.js"]))).size).toBe(0);
  });

  it("still reports an unresolved import when another module has a syntax error", async () => {
    const error = await failure(
      [esm("index.js", 'import "./missing.js";'), esm("bad.js", "export const = 2;")],
      ["index.js", "bad.js"],
    );
    expect(error.message).toContain('cannot import "./missing.js"');
  });

  it("reports a TypeScript syntax error with its file and line", async () => {
    const error = await failure(
      [
        esm("index.js", 'import "./lib/bad.ts";'),
        esm("lib/bad.ts", "export const x: number = 1;\nexport const = 2;", "ts"),
      ],
      ["index.js", "lib/bad.ts"],
    );
    expect(error.details).toMatchObject({ file: "lib/bad.ts", line: 2 });
  });

  it("leaves bare dynamic imports and bare requires to run time, where code guards them", async () => {
    const modules = [
      esm(
        "index.js",
        'export async function f() { try { return await import("node:fs"); } catch { return null; } }',
      ),
      esm("guarded.js", 'export const x = typeof require === "function" ? require("buffer") : undefined;'),
    ];
    expect((await resolveModuleImports(modules, new Set(["index.js", "guarded.js"]))).size).toBe(0);
  });

  it("refuses a relative dynamic import of a module that was not uploaded", async () => {
    const error = await failure(
      [esm("index.js", 'export const f = () => import("./later.js");')],
      ["index.js"],
    );
    expect(error.message).toContain('cannot import "./later.js"');
  });

  it("refuses require() between uploaded CommonJS modules, which the runtime can not serve", async () => {
    const error = await failure(
      [
        {
          path: "index.cjs",
          source: 'const u = require("./util.cjs");\nmodule.exports = u;',
          type: "commonjs",
          loader: "js",
        },
      ],
      ["index.cjs", "util.cjs"],
    );
    expect(error.message).toContain('require("./util.cjs") between uploaded modules is not supported');
    expect(error.details).toMatchObject({ file: "index.cjs", line: 1 });
  });

  it("accepts a CommonJS module without requires", async () => {
    const modules: SourceModule[] = [
      { path: "index.cjs", source: "exports.handler = async () => 1;", type: "commonjs", loader: "js" },
    ];
    expect((await resolveModuleImports(modules, new Set(["index.cjs"]))).size).toBe(0);
  });
});
