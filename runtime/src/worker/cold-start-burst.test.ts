// A burst of invocations of a key with no warm isolate (Invoker + isolate-waits.ts), on real isolates: the
// first makes the cold start, the others wait for its isolate instead of loading one each.
import type { InvocationResult } from "@skiff/core";
import { afterAll, describe, expect, it } from "vitest";
import { text, versionOf } from "../testing/fixtures.js";
import { InvokerHarness } from "../testing/invoker-harness.js";
import type { VersionSpec } from "../types.js";

const harnesses: InvokerHarness[] = [];
afterAll(() => {
  for (const harness of harnesses) harness.close();
});

/**
 * An Invoker whose waits are bounded by `waitMs`. Long bounds, and a handler CPU threshold no busy machine
 * reaches, make a test depend only on the order of events, never on how fast the machine is.
 */
function harness(waitMs: number) {
  const runner = new InvokerHarness({
    syncSliceMs: 5_000,
    syncEligibleCpuMs: 1_000,
    waits: { loadingMs: waitMs, finishingMs: waitMs },
  });
  harnesses.push(runner);
  /** Starts `count` invocations in the same turn, as a batch of messages from the supervisor would. */
  const burst = (version: VersionSpec, code: string, count: number): Promise<InvocationResult[]> =>
    Promise.all(Array.from({ length: count }, () => runner.start(version, code).promise));
  return { pool: runner.pool, burst };
}

const CHEAP = `let served = 0;
export default { fetch() { return new Response(String(++served)); } };`;

describe("a burst of invocations of a key without a warm isolate", () => {
  it("makes one cold start, whose isolate serves the others in turn", async () => {
    const { pool, burst } = harness(60_000);
    const results = await burst(versionOf("burst-cheap"), CHEAP, 6);
    expect(results.map((result) => result.outcome)).toEqual(Array(6).fill("ok"));
    expect(results.filter((result) => result.cold)).toHaveLength(1);
    // One isolate served all six, one after the other.
    expect(results.map((result) => text(result.response?.body)).sort()).toEqual([
      "1",
      "2",
      "3",
      "4",
      "5",
      "6",
    ]);
    expect(pool.stats()).toMatchObject({ idle: 1, busy: 0, misses: 1, hits: 5 });
  });

  it("makes cold starts of their own once a slow first invocation outlasts the wait", async () => {
    const { pool, burst } = harness(20);
    const code = `export default {
      async fetch() {
        await new Promise((resolve) => setTimeout(resolve, 500));
        return new Response("slow");
      },
    };`;
    const results = await burst(versionOf("burst-slow"), code, 3);
    expect(results.map((result) => result.outcome)).toEqual(["ok", "ok", "ok"]);
    expect(results.filter((result) => result.cold)).toHaveLength(3);
    expect(pool.stats()).toMatchObject({ idle: 3, misses: 3, hits: 0 });
  });

  it("does not wait for a cold start of a key whose invocations hold their isolate", async () => {
    const { pool, burst } = harness(60_000);
    const version = versionOf("burst-held");
    const code = `export default {
      async fetch() {
        await new Promise((resolve) => setTimeout(resolve, 200));
        return new Response("held");
      },
    };`;
    // Its first invocation waited for a timer: the key is known not to end within a synchronous slice.
    expect((await burst(version, code, 1))[0]?.cold).toBe(true);
    // The first of three takes the idle isolate; the other two load one each rather than wait in turn.
    const results = await burst(version, code, 3);
    expect(results.map((result) => result.outcome)).toEqual(["ok", "ok", "ok"]);
    expect(results.filter((result) => result.cold)).toHaveLength(2);
    expect(pool.stats()).toMatchObject({ idle: 3, misses: 3, hits: 1 });
  });

  it("does not wait for a cold start of another key", async () => {
    const { pool, burst } = harness(60_000);
    const [first, second] = await Promise.all([
      burst(versionOf("burst-a"), CHEAP, 1),
      burst(versionOf("burst-b"), CHEAP, 1),
    ]);
    expect([first?.[0]?.cold, second?.[0]?.cold]).toEqual([true, true]);
    expect(pool.stats()).toMatchObject({ idle: 2, misses: 2 });
  });
});
