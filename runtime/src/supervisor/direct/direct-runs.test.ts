// The supervisor's book of long direct-plane invocations: suspects on a worker's death, and its watchdog.
import { describe, expect, it } from "vitest";
import { DirectRuns } from "./direct-runs.js";

const suspect = { tenant: "t", functionName: "f", versionId: "v1" };

describe("DirectRuns", () => {
  it("names the runs in flight on a dead worker, and only those", () => {
    const runs = new DirectRuns<string>({ graceMs: 60_000, onOverdue: () => {} });
    runs.running("a", "i1", suspect, Date.now());
    runs.running("a", "i2", { ...suspect, versionId: "v2" }, Date.now());
    runs.running("b", "i3", suspect, Date.now());
    runs.ended("a", "i1");
    expect(runs.take("a")).toEqual([{ id: "i2", suspect: { ...suspect, versionId: "v2" } }]);
    expect(runs.take("a")).toEqual([]);
    expect(runs.count("b")).toBe(1);
    runs.ended("b", "i3");
    expect(runs.count("b")).toBe(0);
  });

  it("calls the watchdog for a run still in flight past its deadline and the grace", async () => {
    const overdue: Array<[string, string]> = [];
    const now = 1_000_000;
    const runs = new DirectRuns<string>({
      graceMs: 5,
      now: () => now,
      onOverdue: (worker, id) => overdue.push([worker, id]),
    });
    runs.running("a", "late", suspect, now);
    runs.running("a", "done", suspect, now);
    runs.ended("a", "done");
    const deadline = Date.now() + 5000;
    while (overdue.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(overdue).toEqual([["a", "late"]]);
    // A worker that died takes its timers with it.
    runs.running("b", "gone", suspect, now + 20);
    runs.take("b");
    await new Promise((r) => setTimeout(r, 50));
    expect(overdue).toEqual([["a", "late"]]);
  });
});
