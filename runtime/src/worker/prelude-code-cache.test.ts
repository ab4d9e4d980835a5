import { singleModuleBundle } from "@skiff/core";
import ivm from "isolated-vm";
import { afterEach, describe, expect, it } from "vitest";
import { PRELUDE_FILENAME, PreludeCodeCache, preludeCodeCache } from "./prelude-code-cache.js";
import { preludeSource } from "./prelude-source.js";
import { Sandbox } from "./sandbox.js";

const sandboxes: Sandbox[] = [];
afterEach(() => {
  for (const sandbox of sandboxes.splice(0)) if (!sandbox.disposed) sandbox.isolate.dispose();
});

function sandbox(): Sandbox {
  const made = new Sandbox(64);
  sandboxes.push(made);
  return made;
}

/** What tenant code can see of the isolate's global state and the Web APIs, as a fetch handler's answer. */
const PROBE = `export default {
  async fetch(request) {
    return Response.json({
      globals: Object.getOwnPropertyNames(globalThis).sort(),
      url: request.url,
      query: new URL(request.url).searchParams.get("q"),
      text: await new Request("http://a.test/", { method: "POST", body: "hi" }).text(),
    });
  },
};`;

async function probe(): Promise<unknown> {
  const box = sandbox();
  await box.prepare();
  await box.warm();
  await box.loadModule("v1", singleModuleBundle(PROBE), {});
  const result = await box.dispatch(
    { kind: "http", method: "GET", url: "http://t.test/p?q=1", headers: [], body: null },
    {
      invocationId: "i",
      tenant: "t",
      functionName: "f",
      version: 1,
      memoryMb: 64,
      deadline: Date.now() + 5000,
    },
  );
  expect(result.outcome).toBe("ok");
  expect(result.body).toBeInstanceOf(Uint8Array);
  return JSON.parse(new TextDecoder().decode(result.body));
}

describe("PreludeCodeCache", () => {
  it("produces a first cache, then compiles with it, and drops one V8 rejected", () => {
    const cache = new PreludeCodeCache();
    expect(cache.compileOptions()).toEqual({ produceCachedData: true });
    const data = new ivm.ExternalCopy(new ArrayBuffer(8));
    cache.settle({ cachedData: data });
    expect(cache.compileOptions()).toEqual({ cachedData: data });
    cache.settle({ cachedData: new ivm.ExternalCopy(new ArrayBuffer(4)) });
    expect(cache.compileOptions()).toEqual({ cachedData: data });
    cache.settle({ cachedDataRejected: true });
    expect(cache.compileOptions()).toEqual({ produceCachedData: true });
  });

  it("enriches from one throwaway sandbox: a larger cache, the sandbox disposed, later calls shared", async () => {
    const cache = new PreludeCodeCache();
    const plain = sandbox();
    await plain.prepare();
    const makers: Sandbox[] = [];
    const make = () => {
      const maker = sandbox();
      makers.push(maker);
      return maker;
    };
    await Promise.all([cache.enrich(make), cache.enrich(make)]);
    await cache.enrich(make);
    expect(cache.enriched).toBe(true);
    expect(makers).toHaveLength(1);
    expect(makers[0]?.disposed).toBe(true);
    const options = cache.compileOptions();
    if (!("cachedData" in options)) throw new Error("no cache was made");
    // The first compile's cache (top level only) is the baseline the enriched one must exceed.
    const first = new PreludeCodeCache();
    const compiled = await sandbox().isolate.compileScript(preludeSource(), {
      filename: PRELUDE_FILENAME,
      produceCachedData: true,
    });
    first.settle(compiled as ivm.Script & ivm.CachedDataResult);
    const firstOptions = first.compileOptions();
    if (!("cachedData" in firstOptions)) throw new Error("no first cache was made");
    expect(options.cachedData.copy().byteLength).toBeGreaterThan(firstOptions.cachedData.copy().byteLength);
  });

  it("leaves an isolate prepared with the enriched cache looking exactly like one prepared without", async () => {
    const before = await probe();
    expect(before).toMatchObject({ url: "http://t.test/p?q=1", query: "1", text: "hi" });
    await preludeCodeCache.enrich(() => sandbox());
    expect(preludeCodeCache.enriched).toBe(true);
    expect(await probe()).toEqual(before);
  });
});
