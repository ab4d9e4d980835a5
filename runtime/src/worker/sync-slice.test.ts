// The synchronous first slice of warm invocations (Invoker + Sandbox.dispatchSliced), on real isolates: which
// path an invocation takes, that both give the same result, and what happens when a slice is cut.
import { type InvocationEvent, type InvocationResult, singleModuleBundle } from "@skiff/core";
import { afterAll, describe, expect, it } from "vitest";
import { httpEvent, versionOf } from "../testing/fixtures.js";
import { InvokerHarness } from "../testing/invoker-harness.js";
import type { VersionSpec } from "../types.js";
import { isolateKey, SYNC_SLICE_MS, type SyncPathStats } from "./invoker.js";
import type { ResponseStart } from "./response-sink.js";
import { Sandbox, SLICE_CUT } from "./sandbox.js";
import { SliceGuard } from "./slice-guard.js";

/** Outbound fetches the handlers started, counted on the host (each is refused, so nothing leaves the test). */
let fetches = 0;
const harnesses: InvokerHarness[] = [];
afterAll(() => {
  for (const harness of harnesses) harness.close();
});

interface Run {
  id: string;
  promise: Promise<InvocationResult>;
  /** What went through the sink (a response sent before waitUntil work, or streamed). */
  streamed(): { start: ResponseStart | undefined; body: string };
}

/**
 * A real Invoker whose synchronous slices last `syncSliceMs`. A slice is stopped by wall time, which a busy
 * machine can stretch: tests of anything but cuts use a long slice, so that only a looping handler is cut.
 * Likewise a cheap handler can pass SYNC_ELIGIBLE_CPU_MS now and then on a busy machine (a collection, a
 * compile): tests that are not about that threshold raise it.
 */
function harness(syncSliceMs: number, syncEligibleCpuMs = 100, sliceGuard?: SliceGuard) {
  const runner = new InvokerHarness({
    syncSliceMs,
    syncEligibleCpuMs,
    ...(sliceGuard === undefined ? {} : { sliceGuard }),
    extraHostCalls: () => ({
      fetch: async () => {
        fetches++;
        throw new Error("refused by the test");
      },
    }),
  });
  harnesses.push(runner);
  const { invoker, pool } = runner;

  function start(version: VersionSpec, code: string, event: InvocationEvent = httpEvent()): Run {
    const run = runner.start(version, code, event);
    return {
      id: run.id,
      promise: run.promise,
      streamed: () => {
        const { start, body } = run.streamed();
        return { start, body: Buffer.from(body).toString() };
      },
    };
  }
  const invoke = (version: VersionSpec, code: string, event?: InvocationEvent) =>
    start(version, code, event).promise;
  const stats = (): SyncPathStats => invoker.syncPathStats();
  const delta = (before: SyncPathStats): SyncPathStats => {
    const now = stats();
    return {
      syncSlices: now.syncSlices - before.syncSlices,
      syncFinished: now.syncFinished - before.syncFinished,
      cutSlices: now.cutSlices - before.cutSlices,
      reruns: now.reruns - before.reruns,
    };
  };
  /**
   * Makes `version`'s key eligible for the synchronous path: a cold start (whose first handler run compiles
   * the Web APIs it uses, often over SYNC_ELIGIBLE_CPU_MS), then cheap warm invocations until one runs
   * synchronously. Returns the cold start's record.
   */
  async function prime(version: VersionSpec, code: string): Promise<InvocationResult> {
    const cold = await invoke(version, code);
    for (let i = 0; i < 5; i++) {
      const before = stats().syncSlices;
      await invoke(version, code);
      if (stats().syncSlices > before) return cold;
    }
    throw new Error("the key never became eligible for the synchronous path");
  }
  /** Waits until the guard is ready to watch the warm isolate of `version`, so that its next slice is guarded. */
  async function guarded(version: VersionSpec): Promise<void> {
    const sandbox = pool.acquire(isolateKey(version));
    if (sandbox === undefined) throw new Error("no warm isolate");
    pool.release(sandbox);
    for (let i = 0; i < 500; i++) {
      if (sliceGuard?.prepare(sandbox.isolate)) return;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    throw new Error("the guard never took the isolate");
  }
  return { invoker, pool, start, invoke, stats, delta, prime, guarded };
}

const url = (query: string) => httpEvent({ url: `http://fn.test/?${query}` });
/** Long enough that no slice of a handler that does not loop is cut, however busy the machine. */
const LONG_SLICE_MS = 5_000;

/** An invocation's record without what differs between any two runs. */
function comparable(result: InvocationResult) {
  const { invocationId, cold, cpuMs, wallMs, peakHeapBytes, logs, response, ...rest } = result;
  return {
    ...rest,
    response:
      response === undefined ? undefined : { ...response, body: Buffer.from(response.body).toString() },
    logs: logs.map(({ ts, ...line }) => line),
  };
}

const HELLO = `export default {
  fetch(request) {
    console.log("hello from", new URL(request.url).pathname);
    return new Response("hi " + request.method, { status: 201, headers: { "x-path": "sync" } });
  },
}`;

describe("the synchronous path", () => {
  const { invoker, start, invoke, stats, delta, prime } = harness(LONG_SLICE_MS);

  it("takes warm hellos after the cold start, with the same record as the asynchronous path", async () => {
    const version = versionOf("sync-hello");
    const before0 = stats();
    const cold = await prime(version, HELLO);
    expect(cold.cold).toBe(true);
    // The cold start itself took the asynchronous path.
    expect(delta(before0).syncSlices).toBe(1);
    const before = stats();
    const warm = await invoke(version, HELLO);
    const again = await invoke(version, HELLO);
    expect(warm.cold).toBe(false);
    expect(delta(before)).toEqual({ syncSlices: 2, syncFinished: 2, cutSlices: 0, reruns: 0 });
    expect(comparable(warm)).toEqual(comparable(cold));
    expect(comparable(again)).toEqual(comparable(cold));
    expect(comparable(warm)).toMatchObject({
      outcome: "ok",
      response: { status: 201, body: "hi GET" },
      logs: [{ level: "log", message: "hello from /" }],
    });
  });

  it("gives the isolate back within the slice, so a batch of invocations started together shares it", async () => {
    const batch = harness(LONG_SLICE_MS);
    const version = versionOf("batch");
    await batch.prime(version, HELLO);
    const before = batch.stats();
    const missesBefore = batch.pool.stats().misses;
    // As the worker handles the messages of one IPC batch: each started before any of them is awaited.
    const runs = Array.from({ length: 20 }, () => batch.start(version, HELLO).promise);
    const results = await Promise.all(runs);
    expect(results.map((r) => [r.outcome, r.cold])).toEqual(results.map(() => ["ok", false]));
    expect(batch.delta(before).syncFinished).toBe(20);
    expect(batch.pool.stats().misses).toBe(missesBefore);
  });

  it("gives the same sandbox result from dispatch and dispatchSliced, for every kind of outcome", async () => {
    const sandbox = new Sandbox(64);
    try {
      await sandbox.load(
        "same-result",
        singleModuleBundle(`export default {
          async fetch(request) {
            const q = new URL(request.url).searchParams;
            console.warn("query", q.toString());
            if (q.has("throw")) throw new RangeError("no");
            if (q.has("bad")) return "not a response";
            return Response.json({ q: q.toString() }, { headers: { "set-cookie": "a=1" } });
          },
        }`),
        {},
      );
      for (const query of ["ok=1", "throw", "bad"]) {
        const event = url(query);
        const meta = {
          invocationId: query,
          tenant: "t",
          functionName: "f",
          version: 1,
          memoryMb: 64,
          deadline: 0,
        };
        const asynchronous = await sandbox.dispatch(event, meta);
        const sliced = await sandbox.dispatchSliced(event, meta, {}, LONG_SLICE_MS);
        expect(sliced).not.toBe(SLICE_CUT);
        const strip = (result: typeof asynchronous) => ({
          ...result,
          logs: result.logs.map(({ ts, ...line }) => line),
        });
        expect(strip(sliced as typeof asynchronous)).toEqual(strip(asynchronous));
        expect(sandbox.lateCrossings).toBe(0);
      }
    } finally {
      sandbox.dispose();
    }
  });

  it("continues asynchronously after the first slice for timers and host calls, then leaves the key", async () => {
    const version = versionOf("sync-awaits");
    const code = `export default {
      async fetch(request) {
        if (!new URL(request.url).searchParams.has("wait")) return new Response("cheap");
        await new Promise((resolve) => setTimeout(resolve, 5));
        const failed = await fetch("http://upstream.test/").then(() => "fetched", (error) => error.message);
        await null;
        return new Response("waited: " + failed);
      },
    }`;
    await prime(version, code);
    const fetchesBefore = fetches;
    const before = stats();
    const waited = await invoke(version, code, url("wait"));
    expect(waited.outcome).toBe("ok");
    expect(Buffer.from(waited.response?.body ?? []).toString()).toBe("waited: refused by the test");
    expect(fetches - fetchesBefore).toBe(1);
    expect(delta(before)).toEqual({ syncSlices: 1, syncFinished: 0, cutSlices: 0, reruns: 0 });
    // It crossed into the isolate late: the next one takes the asynchronous path, and being cheap, brings the
    // key back.
    await invoke(version, code);
    expect(delta(before).syncSlices).toBe(1);
    await invoke(version, code);
    expect(delta(before).syncSlices).toBe(2);
  });

  it("sends the response before waitUntil work, which goes on after the first slice", async () => {
    const version = versionOf("sync-wait-until");
    const code = `export default {
      fetch(request, env, ctx) {
        if (new URL(request.url).searchParams.has("later")) {
          ctx.waitUntil(new Promise((resolve) => setTimeout(resolve, 5)).then(() => console.log("after")));
        }
        return new Response("answered");
      },
    }`;
    await prime(version, code);
    const before = stats();
    const run = start(version, code, url("later"));
    const result = await run.promise;
    expect(delta(before).syncSlices).toBe(1);
    expect(result.outcome).toBe("ok");
    expect(run.streamed()).toMatchObject({ start: { status: 200 }, body: "answered" });
    expect(result.response?.body.byteLength).toBe(0);
    expect(result.logs.map((line) => line.message)).toEqual(["after"]);
  });

  it("is canceled between slices like any invocation", async () => {
    const version = versionOf("sync-cancel");
    const code = `export default {
      async fetch(request) {
        if (new URL(request.url).searchParams.has("hang")) await new Promise((resolve) => setTimeout(resolve, 60_000));
        return new Response("ok");
      },
    }`;
    await prime(version, code);
    const before = stats();
    const run = start(version, code, url("hang"));
    // The first slice already ran inside invoke(): the cancel arrives while the rest is awaited.
    await new Promise((resolve) => setImmediate(resolve));
    invoker.cancel(run.id);
    const result = await run.promise;
    expect(result.outcome).toBe("canceled");
    expect(delta(before)).toMatchObject({ syncSlices: 1, cutSlices: 0 });
    // The next invocation is served (by a new isolate) and, having been canceled, the key went asynchronous.
    expect((await invoke(version, code)).outcome).toBe("ok");
    expect(delta(before).syncSlices).toBe(1);
  });

  it("classifies a memory bomb in the slice as exceededMemory", async () => {
    const version = versionOf("sync-bomb", { memoryMb: 32, cpuMs: 10_000, timeoutMs: 10_000 });
    const code = `export default {
      fetch(request) {
        if (new URL(request.url).searchParams.has("bomb")) {
          const keep = [];
          while (true) keep.push(new Array(250000).fill(0.5));
        }
        return new Response("ok");
      },
    }`;
    await prime(version, code);
    const before = stats();
    const result = await invoke(version, code, url("bomb"));
    expect(result.outcome).toBe("exceededMemory");
    expect(delta(before).syncSlices).toBe(1);
    expect((await invoke(version, code)).outcome).toBe("ok");
  });
});

describe("eligibility", () => {
  // A threshold and a costly handler far above it, so that a busy machine makes no cheap invocation costly.
  const thresholdMs = 10;
  const { invoke, stats, delta, prime } = harness(LONG_SLICE_MS, thresholdMs);

  it("ends for a key whose last two invocations used the CPU threshold or more, until a cheap one", async () => {
    const version = versionOf("sync-costly");
    const code = `export default {
      fetch(request) {
        if (request.url.endsWith("?costly")) { const end = Date.now() + ${thresholdMs * 10}; while (Date.now() < end) {} }
        return new Response("done");
      },
    }`;
    await prime(version, code);
    const before = stats();
    expect((await invoke(version, code, url("costly"))).cpuMs).toBeGreaterThanOrEqual(thresholdMs);
    // One costly invocation among cheap ones leaves the key on the synchronous path…
    await invoke(version, code, url("costly"));
    expect(delta(before).syncSlices).toBe(2);
    // …the second in a row takes it off: the next one is asynchronous, whatever it costs.
    await invoke(version, code);
    expect(delta(before).syncSlices).toBe(2);
    // A cheap one brings it back.
    await invoke(version, code);
    expect(delta(before).syncSlices).toBe(3);
  });
});

const sliceGuard = new SliceGuard();
afterAll(() => sliceGuard.close());

describe.each([
  { stopper: "isolated-vm's timeout", guard: undefined },
  { stopper: "the slice guard", guard: sliceGuard },
])("a slice cut by $stopper", ({ guard }) => {
  const { invoke, stats, delta, prime, guarded } = harness(SYNC_SLICE_MS, 100, guard);
  /** Makes `version` eligible and, with a guard, guarded; returns a count of the slices the guard stopped since. */
  async function ready(version: VersionSpec, code: string): Promise<() => number> {
    await prime(version, code);
    if (guard === undefined) return () => 0;
    await guarded(version);
    const was = guard.stopped;
    return () => guard.stopped - was;
  }

  it("runs a key that was cheap and now loops again asynchronously, which ends at its CPU budget", async () => {
    const cpuMs = 60;
    const version = versionOf("sync-loop", { cpuMs, timeoutMs: 10_000 });
    const code = `export default {
      fetch(request) {
        if (new URL(request.url).searchParams.has("loop")) for (;;) {}
        return new Response("cheap");
      },
    }`;
    const stopped = await ready(version, code);
    const before = stats();
    const result = await invoke(version, code, url("loop"));
    expect(result.outcome).toBe("exceededCpu");
    expect(delta(before)).toEqual({ syncSlices: 1, syncFinished: 0, cutSlices: 1, reruns: 1 });
    expect(stopped()).toBe(guard === undefined ? 0 : 1);
    // The cut slice's CPU counts: the whole invocation used its budget, not the budget twice over.
    expect(result.cpuMs).toBeGreaterThanOrEqual(cpuMs);
    expect(result.cpuMs).toBeLessThan(cpuMs + SYNC_SLICE_MS + 500);
    // The key is no longer eligible: the next (cheap) invocation is asynchronous.
    expect((await invoke(version, code)).outcome).toBe("ok");
    expect(delta(before).syncSlices).toBe(1);
  });

  it("ends at the CPU budget without a re-run when the budget is smaller than the slice", async () => {
    // Under SYNC_SLICE_MS, yet above what the cheap path's cold start may use (it must stay warm).
    const cpuMs = SYNC_SLICE_MS - 1;
    const version = versionOf("sync-small-budget", { cpuMs, timeoutMs: 10_000 });
    const code = `export default {
      fetch(request) {
        if (request.url.endsWith("?loop")) for (;;) {}
        return new Response("cheap");
      },
    }`;
    // A slice bounded by a limit is stopped by isolated-vm's timeout, guard or not: its CPU stays readable.
    const stopped = await ready(version, code);
    const before = stats();
    const result = await invoke(version, code, url("loop"));
    expect(result.outcome).toBe("exceededCpu");
    expect(delta(before)).toMatchObject({ syncSlices: 1, cutSlices: 1 });
    expect(stopped()).toBe(0);
    expect(result.cpuMs).toBeGreaterThanOrEqual(cpuMs);
  });

  it("never starts the host calls of the cut slice; the re-run's happen once", async () => {
    const version = versionOf("sync-cut-fetch");
    // Busy only in an isolate that served before: the warm one whose slice is cut, not the re-run's new one.
    const code = `let served = 0;
    export default {
      async fetch(request) {
        const first = served++ === 0;
        if (!new URL(request.url).searchParams.has("work")) return new Response("cheap");
        const fetched = fetch("http://upstream.test/").then(() => "fetched", (error) => error.message);
        console.log(first ? "re-run" : "cut slice");
        // A few microtask turns, so that the fetch reached the host before the busy loop (still in the slice).
        for (let i = 0; i < 20; i++) await null;
        if (!first) { const end = Date.now() + ${SYNC_SLICE_MS * 5}; while (Date.now() < end) {} }
        return new Response(await fetched);
      },
    }`;
    const stopped = await ready(version, code);
    const fetchesBefore = fetches;
    const before = stats();
    const result = await invoke(version, code, url("work"));
    expect(delta(before)).toEqual({ syncSlices: 1, syncFinished: 0, cutSlices: 1, reruns: 1 });
    expect(stopped()).toBe(guard === undefined ? 0 : 1);
    expect(fetches - fetchesBefore).toBe(1);
    expect(result.outcome).toBe("ok");
    expect(Buffer.from(result.response?.body ?? []).toString()).toBe("refused by the test");
    // The cut slice's log line went with its isolate.
    expect(result.logs.map((line) => line.message)).toEqual(["re-run"]);
  });
});
