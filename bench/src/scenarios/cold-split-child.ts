// Child process of cold-split.ts, started with --no-node-snapshot (isolated-vm needs it): times the runtime's own
// Sandbox phases on real isolates, one cold start after the other, and prints the result as one JSON line.
// Phases: isolate creation (`new Isolate`), prelude (context + host calls + prelude run), compile (the module's
// compile, link, evaluation and setup), handler (the first request). A runtime worker makes its spares ahead
// (isolate, prelude, warm-up), so a cold start from a spare has only compile and handler on its path.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { InvocationEvent } from "@skiff/core";
import { type InvocationMeta, preludeCodeCache, Sandbox } from "@skiff/runtime/sandbox";
import { helloVariant } from "../code-variants.js";
import { EXAMPLES_DIR } from "../paths.js";
import type { ColdSplit } from "../results.js";
import { round, summarize } from "../stats.js";

/** The default memory size: the one runtime workers always keep spares of. */
const MEMORY_MB = 128;
/** Between two cold starts, so that one's background work (GC, compile tasks) does not land on the next. */
const PAUSE_MS = 20;
const EVENT: InvocationEvent = {
  kind: "http",
  method: "GET",
  url: "http://bench.invalid/",
  headers: [["accept", "*/*"]],
  body: null,
};

const pause = () => new Promise<void>((resolve) => setTimeout(resolve, PAUSE_MS));

function meta(id: string): InvocationMeta {
  return {
    invocationId: id,
    tenant: "bench",
    functionName: id,
    version: 1,
    memoryMb: MEMORY_MB,
    deadline: Date.now() + 10_000,
  };
}

/** Loads a unique hello module into a prepared sandbox and serves its first request; returns the phase times. */
async function loadAndServe(sandbox: Sandbox, hello: string, id: string) {
  const start = performance.now();
  await sandbox.loadModule(
    id,
    { main: "index.js", modules: { "index.js": { type: "esm", content: helloVariant(hello, id) } } },
    {},
  );
  const loaded = performance.now();
  const result = await sandbox.dispatch(EVENT, meta(id), { response: async () => null });
  const served = performance.now();
  if (result.outcome !== "ok") throw new Error(`cold split: ${id} ended ${result.outcome}`);
  return { compileMs: loaded - start, handlerMs: served - loaded };
}

async function main(): Promise<void> {
  const samples = Number(process.argv[2]);
  if (!Number.isInteger(samples) || samples < 1) throw new Error("usage: cold-split-child <samples>");
  const hello = await readFile(join(EXAMPLES_DIR, "hello.js"), "utf8");
  const cacheStart = performance.now();
  await preludeCodeCache.enrich(() => new Sandbox(MEMORY_MB));
  const preludeCacheMs = performance.now() - cacheStart;

  const scratch = {
    isolateMs: [] as number[],
    preludeMs: [] as number[],
    compileMs: [] as number[],
    handlerMs: [] as number[],
    totalMs: [] as number[],
  };
  const spare = { ...structuredClone(scratch), warmUpMs: [] as number[] };
  for (let i = 0; i < samples; i++) {
    // From scratch: the whole cold start on the request path.
    let t = performance.now();
    const fresh = new Sandbox(MEMORY_MB);
    const created = performance.now();
    await fresh.prepare();
    const prepared = performance.now();
    const phases = await loadAndServe(fresh, hello, `scratch-${i}`);
    fresh.dispose();
    scratch.isolateMs.push(created - t);
    scratch.preludeMs.push(prepared - created);
    scratch.compileMs.push(phases.compileMs);
    scratch.handlerMs.push(phases.handlerMs);
    scratch.totalMs.push(created - t + (prepared - created) + phases.compileMs + phases.handlerMs);
    await pause();

    // From a spare: made and warmed ahead, as the worker does between requests.
    t = performance.now();
    const ready = new Sandbox(MEMORY_MB);
    const readyCreated = performance.now();
    await ready.prepare();
    const readyPrepared = performance.now();
    await ready.warm();
    const warmed = performance.now();
    spare.isolateMs.push(readyCreated - t);
    spare.preludeMs.push(readyPrepared - readyCreated);
    spare.warmUpMs.push(warmed - readyPrepared);
    await pause();
    const served = await loadAndServe(ready, hello, `spare-${i}`);
    ready.dispose();
    spare.compileMs.push(served.compileMs);
    spare.handlerMs.push(served.handlerMs);
    spare.totalMs.push(served.compileMs + served.handlerMs);
    await pause();
  }
  const summaries = <K extends string>(lists: Record<K, number[]>) =>
    Object.fromEntries(
      Object.entries<number[]>(lists).map(([key, values]) => [key, summarize(values)]),
    ) as Record<K, ReturnType<typeof summarize>>;
  const split: ColdSplit = {
    samples,
    scratch: summaries(scratch),
    spare: summaries(spare),
    preludeCacheMs: round(preludeCacheMs, 1),
  };
  process.stdout.write(`${JSON.stringify(split)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
