import { describe, expect, it } from "vitest";
import type { WarmPeerResult } from "../results.js";
import { summarize } from "../stats.js";
import { beforeAfterMarkdown, parseRecordedRuns, recordedRun } from "./before-after.js";
import { benchmarksMarkdown, replaceSection, sectionOf } from "./benchmarks-md.js";
import { testMachine } from "./test-machine.js";

function peer(name: "hono" | "workerd" | "skiff" | "skiff-direct", rps: number, p50: number): WarmPeerResult {
  const run = (connections: number, body: "hello" | "echo") => ({
    peer: name,
    body,
    connections,
    requestsPerSecond: rps,
    latencyMs: summarize([p50]),
    non2xx: name === "skiff" && connections === 100 ? 3 : 0,
    errors: 0,
    timeouts: 0,
  });
  return { peer: name, label: name, runs: [run(1, "hello"), run(100, "hello"), run(100, "echo")] };
}

const machine = testMachine(3.5);

describe("Before/after section", () => {
  it("keeps every warm configuration of a run, with failures summed", () => {
    const run = recordedRun(
      { machine, warm: [peer("hono", 10_000, 0.1), { ...peer("workerd", 1, 1), error: "no binary" }] },
      "before",
    );
    expect(run).toMatchObject({ label: "before", date: machine.date, loadAverage: 3.5 });
    expect(run.warm.map((w) => [w.peer, w.body, w.connections])).toEqual([
      ["hono", "hello", 1],
      ["hono", "hello", 100],
      ["hono", "echo", 100],
    ]);
  });

  it("renders Skiff's hello figures beside the same run's peers, notes first", () => {
    const run = recordedRun(
      { machine, warm: [peer("hono", 10_000, 0.1), peer("workerd", 5_000, 0.2), peer("skiff", 2_500, 0.4)] },
      "after the fix",
    );
    const markdown = beforeAfterMarkdown([run], "What changed.");
    expect(markdown.indexOf("What changed.")).toBeLessThan(markdown.indexOf("| run |"));
    expect(markdown).toContain(
      "| after the fix (2026-01-02 03:04) | 3.5 | 1 | 2500 | 0.25 | 0.5 | 0.4 | 0.1 | 0.2 | 0.3 | 0 | – |",
    );
    expect(markdown).toContain(
      "| after the fix (2026-01-02 03:04) | 3.5 | 100 | 2500 | 0.25 | 0.5 | 0.4 | 0.1 | 0.2 | 0.3 | 3 | – |",
    );
    expect(markdown).not.toContain("echo");
  });

  it("adds a row for the direct data plane after Skiff's own in runs that measured it", () => {
    const run = recordedRun(
      {
        machine,
        warm: [peer("hono", 10_000, 0.1), peer("workerd", 5_000, 0.2), peer("skiff", 2_500, 0.4)].concat(
          peer("skiff-direct", 6_000, 0.25),
        ),
      },
      "direct",
    );
    const lines = beforeAfterMarkdown([run], "").split("\n");
    const at = (text: string) => lines.findIndex((line) => line.startsWith(text));
    expect(lines).toContain(
      "| direct, direct data plane (2026-01-02 03:04) | 3.5 | 100 | 6000 | 0.6 | 1.2 | 0.25 | 0.1 | 0.2 | 0.15 | 0 | – |",
    );
    expect(at("| direct (2026-01-02 03:04) | 3.5 | 100 |")).toBeLessThan(
      at("| direct, direct data plane (2026-01-02 03:04) | 3.5 | 100 |"),
    );
  });

  it("keeps the cold-start, async and cron figures of the scenarios that ran, in a table of their own", () => {
    const client = (p50: number) => summarize([p50, p50 * 2]);
    const cold = {
      functions: 2,
      serverSplit: "",
      rounds: [
        {
          round: "after-deploy" as const,
          clientMs: client(10),
          serverWallMs: summarize([7]),
          serverCpuMs: summarize([1]),
          coldRecords: 2,
          firstRequestsMs: [],
        },
      ],
    };
    const async = {
      events: 10,
      functions: 1,
      enqueuedPerSecond: 300,
      deliveredPerSecond: 410.5,
      seconds: 1,
      failedOutcomes: 0,
      warmupEvents: 5,
      warmupDeliveredPerSecond: 200,
    };
    const cron = { functions: 20, idleLagMs: summarize([5, 40]), busyLagMs: summarize([]) };
    const before = recordedRun({ machine, cold, async }, "before");
    const after = recordedRun({ machine, cron }, "after");
    expect(before.operations).toEqual({
      cold: [{ round: "after-deploy", clientP50Ms: 10, clientP99Ms: 20, serverWallP50Ms: 7 }],
      async: { deliveredPerSecond: 410.5, enqueuedPerSecond: 300 },
    });
    expect(recordedRun({ machine, warm: [] }, "warm only").operations).toBeUndefined();
    const markdown = beforeAfterMarkdown([before, after], undefined, "What P2 changed.");
    const table = markdown.slice(markdown.indexOf("### Cold start"));
    expect(table.indexOf("What P2 changed.")).toBeLessThan(table.indexOf("| run |"));
    expect(table).toContain("| before (2026-01-02 03:04) | 3.5 | 10 / 20 | – | – | 411 (300) | – |");
    expect(table).toContain("| after (2026-01-02 03:04) | 3.5 | – | – | – | – | 5 / 40 (2) |");
    expect(beforeAfterMarkdown([recordedRun({ machine }, "none")], undefined)).not.toContain(
      "### Cold start",
    );
  });

  it("keeps Skiff's server CPU per request where the run measured it, a dash in runs recorded before", () => {
    const skiff = peer("skiff", 2_500, 0.4);
    const measured: WarmPeerResult = {
      ...skiff,
      runs: skiff.runs.map((r) => ({ ...r, serverCpuUsPerRequest: 165.4, generatorCpuUsPerRequest: 20 })),
    };
    const run = recordedRun({ machine, warm: [peer("hono", 10_000, 0.1), measured] }, "cpu");
    expect(run.warm.find((w) => w.peer === "skiff")?.serverCpuUsPerRequest).toBe(165.4);
    // An old record, as bench/before-after.json holds it: no CPU field at all.
    const old = JSON.parse(
      JSON.stringify(recordedRun({ machine, warm: [peer("hono", 10_000, 0.1), skiff] }, "old")),
    ) as unknown;
    expect(JSON.stringify(old)).not.toContain("serverCpu");
    const lines = beforeAfterMarkdown(parseRecordedRuns(JSON.stringify([old, run])), "").split("\n");
    expect(lines).toContain(
      "| cpu (2026-01-02 03:04) | 3.5 | 1 | 2500 | 0.25 | – | 0.4 | 0.1 | – | 0.3 | 0 | 165.4 |",
    );
    expect(lines).toContain(
      "| old (2026-01-02 03:04) | 3.5 | 1 | 2500 | 0.25 | – | 0.4 | 0.1 | – | 0.3 | 0 | – |",
    );
  });

  it("reads back what it wrote, and treats a damaged file as no runs", () => {
    const runs = [recordedRun({ machine, warm: [peer("skiff", 1, 1)] }, "x")];
    expect(parseRecordedRuns(JSON.stringify(runs))).toEqual(runs);
    expect(parseRecordedRuns("{not json")).toEqual([]);
    expect(parseRecordedRuns(undefined)).toEqual([]);
  });

  it("survives a full rewrite of BENCHMARKS.md", () => {
    const previous = replaceSection("# Benchmarks\n", "before-after", "## Before/after\n\nkept");
    const report = {
      mode: "quick" as const,
      machine,
      plan: { mode: "quick" } as never,
      peers: [],
      errors: [],
      targets: [],
      elapsedSeconds: 1,
    };
    expect(sectionOf(benchmarksMarkdown(report, previous, undefined), "before-after")).toBe(
      "## Before/after\n\nkept",
    );
  });
});
