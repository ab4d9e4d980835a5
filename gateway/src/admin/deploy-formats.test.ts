// The deploy route's code formats: one module, several modules with main, TypeScript, JSON, text and wasm.
import { LIMITS, parseCodeBundle } from "@skiff/core";
import { describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../testing/harness.js";

const FN = "/api/v1/tenants/default/functions";
const WASM = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]).toString("base64");

function storedBundle(h: Harness, codeHash: string) {
  const blob = h.storage.blobRows.get(codeHash);
  if (blob === undefined) throw new Error("no stored blob");
  return { text: new TextDecoder().decode(blob), bundle: parseCodeBundle(new TextDecoder().decode(blob)) };
}

describe("PUT …/functions/{name} with modules", () => {
  it("stores a canonical bundle, checks it with the runtime and shows modules without contents", async () => {
    const h = await startHarness();
    const reply = await h.api("PUT", `${FN}/multi`, {
      body: {
        main: "src/index.ts",
        modules: {
          "src/index.ts":
            'import { add } from "./math.js";\nimport cfg from "../config.json";\nexport default { fetch: (): Response => new Response(String(add(cfg.a, 2))) };',
          "src/math.ts": "export const add = (a: number, b: number): number => a + b;",
          "config.json": '{"a": 40}',
          "add.wasm": { base64: WASM },
          "readme.txt": "secret-looking contents",
        },
      },
    });
    expect(reply.status).toBe(201);
    expect(reply.json.version.main).toBe("src/index.ts");
    expect(reply.json.version.modules).toEqual([
      { path: "add.wasm", type: "wasm", size: 8 },
      { path: "config.json", type: "json", size: 9 },
      { path: "readme.txt", type: "text", size: 23 },
      { path: "src/index.ts", type: "esm", size: expect.any(Number) },
      { path: "src/math.ts", type: "esm", size: expect.any(Number) },
    ]);
    expect(JSON.stringify(reply.json)).not.toContain("secret-looking");

    const { text, bundle } = storedBundle(h, reply.json.version.codeHash);
    expect(Object.keys(JSON.parse(text).modules)).toEqual([
      "add.wasm",
      "config.json",
      "readme.txt",
      "src/index.ts",
      "src/math.ts",
    ]);
    expect(bundle.main).toBe("src/index.ts");
    expect(bundle.modules["src/index.ts"]?.content).toContain('from "./math.ts"');
    expect(bundle.modules["src/index.ts"]?.sourceMap).toBeDefined();
    expect(bundle.modules["add.wasm"]).toEqual({ type: "wasm", content: WASM });
    expect(h.runtime.checked).toEqual([bundle]);

    const shown = await h.api("GET", `${FN}/multi`);
    expect(shown.json.version).toMatchObject({ main: "src/index.ts", modules: reply.json.version.modules });
    expect(JSON.stringify(shown.json)).not.toContain("secret-looking");
    const versions = await h.api("GET", `${FN}/multi/versions`);
    expect(versions.json.versions[0]).toMatchObject({ main: "src/index.ts" });
  });

  it("gives the same upload the same code hash", async () => {
    const h = await startHarness();
    const modules = { "index.js": 'import "./b.js";\nexport default {};', "b.js": "export {};" };
    const first = await h.api("PUT", `${FN}/same`, { body: { modules } });
    const reordered = { "b.js": modules["b.js"], "index.js": modules["index.js"] };
    const second = await h.api("PUT", `${FN}/same`, { body: { modules: reordered } });
    expect(second.json.version.number).toBe(2);
    expect(second.json.version.codeHash).toBe(first.json.version.codeHash);
  });

  it("answers INVALID_CODE naming the file and line of a TypeScript error, compiling nothing", async () => {
    const h = await startHarness();
    const reply = await h.api("PUT", `${FN}/bad`, {
      body: {
        modules: { "index.ts": 'import "./lib/x.ts";', "lib/x.ts": "let a: number = 1;\nlet b: = 2;\n" },
      },
    });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe("INVALID_CODE");
    expect(reply.json.error.message).toMatch(/^lib\/x\.ts: .+ \(line 2, column \d+\)$/);
    expect(reply.json.error.details).toMatchObject({ file: "lib/x.ts", line: 2 });
    expect(h.runtime.checked).toEqual([]);
    expect(h.storage.functionRows.size).toBe(0);
  });

  it("answers INVALID_CODE for an import of a module that was not uploaded, with file and line", async () => {
    const h = await startHarness();
    const reply = await h.api("PUT", `${FN}/bad`, {
      body: { modules: { "index.js": '\nimport { x } from "./util.js";\nexport default x;' } },
    });
    expect(reply.status).toBe(400);
    expect(reply.json.error.message).toBe(
      'index.js: cannot import "./util.js": no module util.js was uploaded (line 2, column 19)',
    );
  });

  it("names the module in a compile error from the runtime", async () => {
    const h = await startHarness();
    h.runtime.checkResult = () => ({
      ok: false,
      error: { message: "SyntaxError: Unexpected identifier 'x'", module: "lib/a.js", line: 4 },
    });
    const reply = await h.api("PUT", `${FN}/hello`, {
      body: { modules: { "index.js": 'import "./lib/a.js";', "lib/a.js": "export {};" } },
    });
    expect(reply.status).toBe(400);
    expect(reply.json.error.message).toBe(
      "the code does not compile: lib/a.js: SyntaxError: Unexpected identifier 'x' (line 4)",
    );
    expect(reply.json.error.details).toEqual({ message: expect.any(String), file: "lib/a.js", line: 4 });
  });

  it.each([
    ["both code and modules", { code: "export {}", modules: { "index.js": "export {}" } }, "INVALID_REQUEST"],
    ["neither code nor modules", { main: "index.js" }, "INVALID_REQUEST"],
    ["a module that is neither text nor base64", { modules: { "index.js": 5 } }, "INVALID_REQUEST"],
    [
      "a module object with extra fields",
      { modules: { "a.wasm": { base64: "", text: "" } } },
      "INVALID_REQUEST",
    ],
    [
      "a __proto__ module",
      JSON.parse('{"modules": {"__proto__": "x", "index.js": "export {}"}}'),
      "INVALID_REQUEST",
    ],
    ["an empty main", { main: "", modules: { "index.js": "export {}" } }, "INVALID_REQUEST"],
    ["a bad module path", { modules: { "../index.js": "export {}" } }, "INVALID_CODE"],
    [
      "wasm without the magic",
      { modules: { "index.js": "export {}", "a.wasm": { base64: "AAAA" } } },
      "INVALID_CODE",
    ],
    ["JSON that does not parse", { modules: { "index.js": "export {}", "a.json": "{" } }, "INVALID_CODE"],
  ])("answers 400 for %s and stores nothing", async (_, body, code) => {
    const h = await startHarness();
    const reply = await h.api("PUT", `${FN}/hello`, { body });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe(code);
    expect(h.storage.functionRows.size).toBe(0);
    expect(h.storage.blobRows.size).toBe(0);
  });

  it("answers 413 CODE_TOO_LARGE when the modules together pass the limit", async () => {
    const h = await startHarness();
    const part = "x".repeat(LIMITS.codeBytes / 4 + 1);
    const reply = await h.api("PUT", `${FN}/big`, {
      body: {
        modules: { "index.js": "export {}", "a.txt": part, "b.txt": part, "c.txt": part, "d.txt": part },
      },
    });
    expect(reply.status).toBe(413);
    expect(reply.json.error.code).toBe("CODE_TOO_LARGE");
    expect(h.runtime.checked).toEqual([]);
  });
});
