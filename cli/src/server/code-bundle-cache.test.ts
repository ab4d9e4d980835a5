import { singleModuleBundle } from "@skiff/core";
import { describe, expect, it } from "vitest";
import { CodeBundleCache, type LoadedBundle } from "./code-bundle-cache.js";

/** A loader over made-up blobs of the given sizes, counting its reads; `gate` holds reads back until opened. */
function loader(sizes: Record<string, number>) {
  const reads: string[] = [];
  let open: () => void = () => {};
  let gate: Promise<void> | undefined;
  return {
    reads,
    hold() {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    release: () => open(),
    load: async (codeHash: string): Promise<LoadedBundle> => {
      reads.push(codeHash);
      await gate;
      const bytes = sizes[codeHash];
      if (bytes === undefined) throw new Error(`no blob ${codeHash}`);
      return { bundle: singleModuleBundle(`export default "${codeHash}"`), bytes };
    },
  };
}

const source = (bundle: { main: string; modules: Record<string, { content: string }> }) =>
  bundle.modules[bundle.main]?.content;

describe("CodeBundleCache", () => {
  it("reads a bundle once, sharing a read under way, and serves it from memory after", async () => {
    const blobs = loader({ a: 10 });
    const cache = new CodeBundleCache({ load: blobs.load, maxBytes: 100 });
    blobs.hold();
    const both = Promise.all([cache.get("a"), cache.get("a")]);
    blobs.release();
    const [first, second] = await both;
    expect(source(first)).toBe('export default "a"');
    expect(second).toBe(first);
    expect(await cache.get("a")).toBe(first);
    expect(blobs.reads).toEqual(["a"]);
  });

  it("keeps at most maxBytes, dropping the least recently used, and never keeps a bundle larger than that", async () => {
    const blobs = loader({ a: 40, b: 40, c: 40, huge: 500 });
    const cache = new CodeBundleCache({ load: blobs.load, maxBytes: 100 });
    await cache.get("a");
    await cache.get("b");
    await cache.get("a"); // a is now the most recently used
    await cache.get("c"); // 120 bytes: b goes
    expect(cache.bytes).toBe(80);
    await cache.get("a");
    await cache.get("b");
    await cache.get("huge");
    await cache.get("huge");
    expect(blobs.reads).toEqual(["a", "b", "c", "b", "huge", "huge"]);
    expect(cache.bytes).toBeLessThanOrEqual(100);
  });

  it("prefetches a deployed bundle so that its first use reads nothing, and reports a failed read on use", async () => {
    const blobs = loader({ a: 10 });
    const cache = new CodeBundleCache({ load: blobs.load, maxBytes: 100 });
    cache.prefetch("a");
    cache.prefetch("a");
    cache.prefetch("missing");
    await new Promise((resolve) => setImmediate(resolve));
    expect(blobs.reads).toEqual(["a", "missing"]);
    await cache.get("a");
    expect(blobs.reads).toEqual(["a", "missing"]);
    await expect(cache.get("missing")).rejects.toThrow(/no blob missing/);
  });

  it("preloads at start until three quarters full", async () => {
    const blobs = loader({ a: 30, b: 30, c: 30, d: 30 });
    const cache = new CodeBundleCache({ load: blobs.load, maxBytes: 100 });
    await cache.preload(["a", "b", "c", "d"]);
    expect(blobs.reads).toEqual(["a", "b", "c"]);
    expect(cache.bytes).toBe(90);
  });
});
