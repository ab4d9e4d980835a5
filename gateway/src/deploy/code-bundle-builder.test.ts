import { LIMITS, SkiffError } from "@skiff/core";
import { describe, expect, it } from "vitest";
import { buildCodeBundle, type DeployCode } from "./code-bundle-builder.js";

const WASM = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]).toString("base64");

async function failure(input: DeployCode): Promise<SkiffError> {
  const error = await buildCodeBundle(input).catch((e: unknown) => e);
  if (error instanceof SkiffError) return error;
  throw new Error(`expected a SkiffError, got ${String(error)}`);
}

describe("buildCodeBundle", () => {
  it("makes one ES module, index.js, of plain code", async () => {
    expect(await buildCodeBundle({ code: "export default {}" })).toEqual({
      main: "index.js",
      modules: { "index.js": { type: "esm", content: "export default {}" } },
    });
  });

  it("takes plain code as TypeScript when main says so", async () => {
    const bundle = await buildCodeBundle({ code: "export default { n: 1 as number }", main: "worker.ts" });
    expect(bundle.main).toBe("worker.ts");
    expect(bundle.modules["worker.ts"]?.type).toBe("esm");
    expect(bundle.modules["worker.ts"]?.content).not.toContain("as number");
    expect(bundle.modules["worker.ts"]?.sourceMap).toContain('"sources": ["worker.ts"]');
  });

  it("types every module by its extension and keeps each one's content", async () => {
    const bundle = await buildCodeBundle({
      main: "index.js",
      modules: {
        "index.js":
          'import add from "./add.wasm";\nimport d from "./data.json";\nimport t from "./t.txt";\nexport default { add, d, t };',
        "add.wasm": { base64: WASM },
        "data.json": '{"a": [1, 2]}',
        "t.txt": "hello",
        "page.html": { base64: Buffer.from("<p>ü</p>").toString("base64") },
        "old.cjs": "module.exports = 1;",
      },
    });
    expect(bundle.modules).toEqual({
      "index.js": { type: "esm", content: expect.stringContaining("./add.wasm") },
      "add.wasm": { type: "wasm", content: WASM },
      "data.json": { type: "json", content: '{"a": [1, 2]}' },
      "t.txt": { type: "text", content: "hello" },
      "page.html": { type: "text", content: "<p>ü</p>" },
      "old.cjs": { type: "commonjs", content: "module.exports = 1;" },
    });
  });

  it("transforms TypeScript modules and rewrites their imports to name modules exactly", async () => {
    const bundle = await buildCodeBundle({
      main: "src/index.ts",
      modules: {
        "src/index.ts":
          'import { greet } from "./greet.js";\nimport { twice } from "./lib";\nexport default { fetch: (): Response => new Response(twice(greet("x"))) };',
        "src/greet.ts": 'export const greet = (name: string): string => "hi " + name;',
        "src/lib/index.ts": "export function twice(s: string) { return s + s; }",
      },
    });
    const index = bundle.modules["src/index.ts"];
    expect(index?.content).toContain('from "./greet.ts"');
    expect(index?.content).toContain('from "./lib/index.ts"');
    expect(index?.content).not.toContain(": Response");
    expect(JSON.parse(index?.sourceMap ?? "{}").sources).toEqual(["src/index.ts"]);
    expect(bundle.modules["src/greet.ts"]?.content).not.toContain(": string");
  });

  it("picks index.js, else index.ts, as main when there are several modules", async () => {
    expect((await buildCodeBundle({ modules: { "a.js": "export {}", "index.js": "export {}" } })).main).toBe(
      "index.js",
    );
    expect((await buildCodeBundle({ modules: { "a.js": "export {}", "index.ts": "export {}" } })).main).toBe(
      "index.ts",
    );
    expect((await buildCodeBundle({ modules: { "only.mjs": "export {}" } })).main).toBe("only.mjs");
  });

  it.each<[string, DeployCode, string, string]>([
    ["no modules", { modules: {} }, "INVALID_CODE", "modules is empty"],
    [
      "no main among several",
      { modules: { "a.js": "1", "b.js": "2" } },
      "INVALID_REQUEST",
      "main is required",
    ],
    [
      "a main that is not a module",
      { main: "x.js", modules: { "a.js": "1" } },
      "INVALID_CODE",
      "not among the modules",
    ],
    [
      "a JSON main",
      { main: "d.json", modules: { "d.json": "{}" } },
      "INVALID_CODE",
      "main must be a JavaScript",
    ],
    ["an empty main", { modules: { "index.js": "  \n" } }, "INVALID_CODE", "the code is empty"],
    ["a path with ..", { modules: { "../x.js": "1" } }, "INVALID_CODE", "invalid module path"],
    ["an absolute path", { modules: { "/x.js": "1" } }, "INVALID_CODE", "invalid module path"],
    ["a path with a . segment", { modules: { "./x.js": "1" } }, "INVALID_CODE", "invalid module path"],
    ["a path with a space", { modules: { "a b.js": "1" } }, "INVALID_CODE", "invalid module path"],
    [
      "a __proto__ path",
      { modules: JSON.parse('{"__proto__": "1", "a.js": "1"}') },
      "INVALID_CODE",
      "invalid module path",
    ],
    ["an unknown extension", { modules: { "a.py": "print(1)" } }, "INVALID_CODE", "unsupported module type"],
    [
      "wasm as text",
      { modules: { "index.js": "1", "a.wasm": "\u0000asm" } },
      "INVALID_CODE",
      'upload WebAssembly as {"base64"',
    ],
    [
      "wasm without the magic",
      { modules: { "index.js": "1", "a.wasm": { base64: "AAAA" } } },
      "INVALID_CODE",
      "not a WebAssembly module",
    ],
    ["bad base64", { modules: { "index.js": { base64: "***" } } }, "INVALID_REQUEST", "not valid base64"],
    [
      "base64 that is not UTF-8 text",
      { modules: { "index.js": { base64: "/w==" } } },
      "INVALID_CODE",
      "not valid UTF-8",
    ],
    [
      "JSON that does not parse",
      { modules: { "index.js": "1", "d.json": "{a:1}" } },
      "INVALID_CODE",
      "d.json: not valid JSON",
    ],
    ["a TypeScript syntax error", { modules: { "index.ts": "const a: = 1;" } }, "INVALID_CODE", "index.ts: "],
    [
      "an import of a missing module",
      { modules: { "index.js": 'import "./nope.js";' } },
      "INVALID_CODE",
      "no module nope.js",
    ],
    [
      "an npm import",
      { modules: { "index.js": 'import { Hono } from "hono";' } },
      "INVALID_CODE",
      "bundle npm packages",
    ],
  ])("refuses %s", async (_, input, code, message) => {
    const error = await failure(input);
    expect(error.code).toBe(code);
    expect(error.message).toContain(message);
  });

  it("refuses code over the size limit counted over all modules, before parsing any", async () => {
    const half = "x".repeat(LIMITS.codeBytes / 2);
    const error = await failure({
      modules: {
        "index.js": `${half}(`,
        "b.txt": half,
        "c.wasm": { base64: Buffer.alloc(8).toString("base64") },
      },
    });
    expect(error.code).toBe("CODE_TOO_LARGE");
    expect(error.status).toBe(413);
  });

  it("counts UTF-8 bytes, not characters", async () => {
    const error = await failure({ code: `// ${"é".repeat(LIMITS.codeBytes / 2)}` });
    expect(error.code).toBe("CODE_TOO_LARGE");
  });
});
