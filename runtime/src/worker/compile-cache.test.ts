import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ivm from "isolated-vm";
import { afterEach, describe, expect, it } from "vitest";
import { CompileCache } from "./compile-cache.js";
import { ModuleGraph } from "./module-graph.js";

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const bundle = {
  main: "index.js",
  modules: {
    "index.js": {
      type: "esm" as const,
      content: `export default { fetch() { return ${"1 + ".repeat(500)}1 } }`,
    },
  },
};

async function compileWith(cache: CompileCache): Promise<void> {
  const isolate = new ivm.Isolate({ memoryLimit: 32 });
  try {
    await new ModuleGraph(isolate, bundle, cache).compileAll();
  } finally {
    isolate.dispose();
  }
}

describe("CompileCache", () => {
  it("keeps V8 code caches on disk, so a new process can use them", async () => {
    const dir = await mkdtemp(join(tmpdir(), "skiff-cc-"));
    dirs.push(dir);
    const first = new CompileCache({ dir });
    await compileWith(first);
    // Written after the compile, off its path.
    await first.written();
    const files = await readdir(dir);
    expect(files.filter((f) => f.endsWith(".bin"))).toHaveLength(1);
    expect(files.some((f) => f.endsWith(".tmp"))).toBe(false);

    // A fresh cache (as after a restart) finds the entry on disk, and V8 accepts it.
    const second = new CompileCache({ dir });
    const source = bundle.modules["index.js"].content;
    const data = second.get(source);
    expect(data).toBeDefined();
    const isolate = new ivm.Isolate({ memoryLimit: 32 });
    try {
      const module = (await isolate.compileModule(source, { cachedData: data })) as ivm.Module & {
        cachedDataRejected?: boolean;
      };
      expect(module.cachedDataRejected).toBe(false);
    } finally {
      isolate.dispose();
    }
  });

  it("never serves a cache for different source", () => {
    const cache = new CompileCache();
    cache.set("a", new ivm.ExternalCopy(new ArrayBuffer(8)));
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBeDefined();
  });

  it("writes waiting caches once no new one came for the delay, or at once when asked", async () => {
    const dir = await mkdtemp(join(tmpdir(), "skiff-cc-"));
    dirs.push(dir);
    const binFiles = async () => (await readdir(dir)).filter((f) => f.endsWith(".bin"));
    const slow = new CompileCache({ dir, writeDelayMs: 60_000 });
    slow.set("a", new ivm.ExternalCopy(new Uint8Array([1, 2]).buffer));
    slow.set("b", new ivm.ExternalCopy(new Uint8Array([3]).buffer));
    expect(await binFiles()).toEqual([]);
    await slow.written();
    expect(await binFiles()).toHaveLength(2);

    const quick = new CompileCache({ dir, writeDelayMs: 10 });
    quick.set("c", new ivm.ExternalCopy(new Uint8Array([4]).buffer));
    const deadline = Date.now() + 5_000;
    while ((await binFiles()).length < 3 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(await binFiles()).toHaveLength(3);
  });

  it("looks on disk only for the files there at start or written since, and rewrites one V8 rejected", async () => {
    const dir = await mkdtemp(join(tmpdir(), "skiff-cc-"));
    dirs.push(dir);
    const early = new CompileCache({ dir });
    const writer = new CompileCache({ dir });
    writer.set("x", new ivm.ExternalCopy(new Uint8Array([1]).buffer));
    await writer.written();
    // Written by another process after this one listed the directory: not looked for.
    expect(early.get("x")).toBeUndefined();
    const late = new CompileCache({ dir });
    expect(new Uint8Array(late.get("x")?.copy() ?? new ArrayBuffer(0))).toEqual(new Uint8Array([1]));

    late.drop("x");
    late.set("x", new ivm.ExternalCopy(new Uint8Array([2]).buffer));
    await late.written();
    const [file] = (await readdir(dir)).filter((f) => f.endsWith(".bin"));
    expect([...(await readFile(join(dir, file as string)))]).toEqual([2]);
  });
});
