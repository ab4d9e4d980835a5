// The server-side split runs the runtime's Sandbox in a child process on real isolates (needs the built dist/,
// as the smoke test does). No timing is asserted: only that every phase was measured and the table shows them.
import { describe, expect, it } from "vitest";
import { coldSplitTable } from "../report/tables.js";
import type { BenchReport } from "../results.js";
import { parseColdSplit, runColdSplit } from "./cold-split.js";

describe("cold start split", () => {
  it("times every phase of real cold starts, new isolate and spare, and renders them", async () => {
    const split = await runColdSplit(2);
    expect(split.samples).toBe(2);
    for (const group of [split.scratch, split.spare]) {
      for (const summary of Object.values(group)) {
        expect(summary.count).toBe(2);
        expect(summary.p50).toBeGreaterThan(0);
      }
    }
    // Each total is the sum of its sample's phases (a spare's request path is its compile and handler only), so
    // the smallest total is at least the sum of the smallest phases.
    const { scratch, spare } = split;
    expect(spare.totalMs.min).toBeGreaterThanOrEqual(spare.compileMs.min + spare.handlerMs.min - 1e-9);
    expect(scratch.totalMs.min).toBeGreaterThanOrEqual(
      scratch.isolateMs.min + scratch.preludeMs.min + scratch.compileMs.min + scratch.handlerMs.min - 1e-9,
    );
    expect(split.preludeCacheMs).toBeGreaterThan(0);

    const table = coldSplitTable({
      cold: { functions: 2, rounds: [], serverSplit: "", split },
    } as unknown as BenchReport);
    expect(table?.rows.map((row) => row[0])).toEqual([
      "isolate creation (new Isolate)",
      "prelude (context, host calls, prelude run)",
      "compile (module compile, link, evaluate, setup)",
      "handler (first request)",
      "total on the request path",
    ]);
    expect(table?.rows[0]?.[3]).toBe("ahead (spare)");
    expect(table?.rows[4]?.slice(1).every((cell) => Number.isFinite(Number(cell)))).toBe(true);
  }, 60_000);

  it("refuses a child's line without every phase", () => {
    expect(() => parseColdSplit('{"samples":1}')).toThrow(/unexpected result/);
    expect(() => parseColdSplit("not json")).toThrow();
  });
});
