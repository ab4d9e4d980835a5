import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findProjectEntry, readPackageInfo } from "./project-entry.js";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "skiff-entry-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function touch(...paths: string[]) {
  for (const path of paths) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), "export {}");
  }
}

describe("findProjectEntry", () => {
  it("takes --main first", async () => {
    await touch("index.ts", "app/main.ts");
    await writeFile(join(dir, "package.json"), '{"main": "index.ts"}');
    expect(await findProjectEntry(dir, "app/main.ts")).toBe(join(dir, "app/main.ts"));
  });

  it("then package.json main, then module", async () => {
    await touch("index.ts", "dist/worker.js", "src/mod.js");
    await writeFile(join(dir, "package.json"), '{"main": "dist/worker.js", "module": "src/mod.js"}');
    expect(await findProjectEntry(dir, undefined)).toBe(join(dir, "dist/worker.js"));
    await writeFile(join(dir, "package.json"), '{"module": "src/mod.js"}');
    expect(await findProjectEntry(dir, undefined)).toBe(join(dir, "src/mod.js"));
  });

  it("then index.ts, index.js, src/index.ts …", async () => {
    await touch("src/index.ts");
    expect(await findProjectEntry(dir, undefined)).toBe(join(dir, "src/index.ts"));
    await touch("index.js");
    expect(await findProjectEntry(dir, undefined)).toBe(join(dir, "index.js"));
    await touch("index.ts");
    expect(await findProjectEntry(dir, undefined)).toBe(join(dir, "index.ts"));
  });

  it("says what to do when there is no entry, or package.json names a missing file", async () => {
    await expect(findProjectEntry(dir, undefined)).rejects.toMatchObject({
      message: `no entry module in ${dir}`,
      hint: expect.stringContaining("--main"),
    });
    await expect(findProjectEntry(dir, "nope.ts")).rejects.toThrow("--main nope.ts: no such file");
    await writeFile(join(dir, "package.json"), '{"main": "gone.js"}');
    await expect(findProjectEntry(dir, undefined)).rejects.toThrow('package.json names "gone.js" as main');
  });
});

describe("readPackageInfo", () => {
  it("reads name, main and module, ignoring other fields and non-strings", async () => {
    expect(await readPackageInfo(dir)).toEqual({});
    await writeFile(join(dir, "package.json"), '{"name": "@acme/api", "main": 5, "module": "m.js", "x": 1}');
    expect(await readPackageInfo(dir)).toEqual({ name: "@acme/api", module: "m.js" });
  });

  it("names a package.json that is not JSON", async () => {
    await writeFile(join(dir, "package.json"), "{");
    await expect(readPackageInfo(dir)).rejects.toThrow("package.json is not valid JSON");
  });
});
