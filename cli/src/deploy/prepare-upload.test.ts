import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { prepareUpload } from "./prepare-upload.js";

const WASM = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "skiff-upload-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(files: Record<string, string | Uint8Array>) {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

describe("prepareUpload", () => {
  it("uploads a JavaScript file without imports as it is", async () => {
    const source = "export default { fetch() { return new Response('hi') } };\n";
    await write({ "hello.js": source });
    expect(await prepareUpload(dir, "hello.js", undefined)).toEqual({
      upload: { code: source },
      defaultName: "hello",
      description: "file",
    });
  });

  it("uploads a TypeScript file without imports as it is, named so the server compiles it", async () => {
    const source = "export default { n: 1 as number };\n";
    await write({ "api.ts": source });
    expect((await prepareUpload(dir, "api.ts", undefined)).upload).toEqual({ code: source, main: "api.ts" });
  });

  it("leaves a syntax error in a lone file to the server, which names the line", async () => {
    await write({ "bad.js": "export default {\n  fetch( {\n};\n" });
    expect((await prepareUpload(dir, "bad.js", undefined)).upload).toEqual({
      code: "export default {\n  fetch( {\n};\n",
    });
  });

  it("bundles a file that imports others into one module", async () => {
    await write({
      "main.ts":
        'import { greet } from "./lib/greet";\nimport data from "./data.json";\nexport default { fetch: () => new Response(greet(data.who)) };',
      "lib/greet.ts": "export const greet = (who: string): string => 'hello ' + who;",
      "data.json": '{"who": "world"}',
    });
    const prepared = await prepareUpload(dir, "main.ts", undefined);
    expect(prepared.defaultName).toBe("main");
    expect(prepared.description).toBe("bundle of 3 files");
    if (!("modules" in prepared.upload)) throw new Error("expected modules");
    expect(prepared.upload.main).toBe("main.js");
    expect(Object.keys(prepared.upload.modules)).toEqual(["main.js"]);
    const code = prepared.upload.modules["main.js"] as string;
    expect(code).toContain("hello ");
    expect(code).toContain('"world"');
    expect(code).not.toMatch(/\bimport\b.*from/);
  });

  it("bundles a project directory with its npm packages, preferring their worker builds", async () => {
    await write({
      "package.json": '{"name": "@acme/my-worker", "main": "src/worker.ts"}',
      "src/worker.ts":
        'import { where } from "tiny-lib";\nexport default { fetch: () => new Response(where) };',
      "node_modules/tiny-lib/package.json": JSON.stringify({
        name: "tiny-lib",
        main: "node.js",
        exports: { ".": { worker: "./worker.js", node: "./node.js", default: "./node.js" } },
      }),
      "node_modules/tiny-lib/worker.js": 'export const where = "worker build";',
      "node_modules/tiny-lib/node.js": 'import fs from "fs"; export const where = "node build " + fs;',
    });
    const prepared = await prepareUpload(dir, ".", undefined);
    expect(prepared.defaultName).toBe("my-worker");
    if (!("modules" in prepared.upload)) throw new Error("expected modules");
    expect(prepared.upload.main).toBe("worker.js");
    expect(prepared.upload.modules["worker.js"]).toContain("worker build");
    expect(prepared.upload.modules["worker.js"]).not.toContain("node build");
  });

  it("keeps an imported .wasm file as its own module, imported by its new name", async () => {
    await write({
      "index.js": 'import add from "./add.wasm";\nexport default { fetch: () => new Response(String(add)) };',
      "add.wasm": WASM,
    });
    const prepared = await prepareUpload(dir, ".", undefined);
    if (!("modules" in prepared.upload)) throw new Error("expected modules");
    const wasmPath = Object.keys(prepared.upload.modules).find((p) => p.endsWith(".wasm")) as string;
    expect(wasmPath).toMatch(/^add-[A-Z0-9]+\.wasm$/);
    expect(prepared.upload.modules[wasmPath]).toEqual({ base64: WASM.toString("base64") });
    expect(prepared.upload.modules["index.js"]).toContain(`"./${wasmPath}"`);
  });

  it("uses --main for a directory and the directory's name by default", async () => {
    await write({ "proj/app.js": 'import "./b.js"; export default {};', "proj/b.js": "globalThis.b = 1;" });
    const prepared = await prepareUpload(dir, "proj", "app.js");
    expect(prepared.defaultName).toBe("proj");
    expect(prepared.upload.main).toBe("app.js");
  });

  it("explains a package that is not installed, or a Node built-in", async () => {
    await write({ "a.js": 'import { x } from "not-installed";\nexport default x;' });
    await expect(prepareUpload(dir, "a.js", undefined)).rejects.toMatchObject({
      message: expect.stringContaining('a.js:1:19: Could not resolve "not-installed"'),
      hint: expect.stringContaining("npm install"),
    });
    await write({ "b.js": 'import fs from "node:fs";\nexport default fs;' });
    await expect(prepareUpload(dir, "b.js", undefined)).rejects.toThrow(/cannot bundle the function/);
  });

  it("names a syntax error in an imported file with its place", async () => {
    await write({ "a.js": 'import "./b.js";\nexport default {};', "b.js": "let x = ;" });
    await expect(prepareUpload(dir, "a.js", undefined)).rejects.toThrow(/b\.js:1:9: Unexpected ";"/);
  });

  it("refuses --main with a file, and a path that does not exist", async () => {
    await write({ "a.js": "export default {};" });
    await expect(prepareUpload(dir, "a.js", "a.js")).rejects.toThrow("--main is for a project directory");
    await expect(prepareUpload(dir, "nowhere.js", undefined)).rejects.toThrow(
      "cannot read nowhere.js: no such file",
    );
  });
});
