import { describe, expect, it } from "vitest";
import { planFor } from "../plan.js";
import type { BenchReport } from "../results.js";
import { summarize } from "../stats.js";
import { evaluateTargets } from "../targets.js";
import { benchmarksMarkdown, replaceSection, sectionOf } from "./benchmarks-md.js";
import { renderText } from "./render.js";
import { allTables } from "./tables.js";
import { testMachine } from "./test-machine.js";

function report(date: string, skiffRps: number): BenchReport {
  const run = (peer: "hono" | "workerd" | "skiff", rps: number, p50: number) => ({
    peer,
    body: "hello" as const,
    connections: 0,
    requestsPerSecond: rps,
    latencyMs: { ...summarize([p50]) },
    non2xx: 0,
    errors: 0,
    timeouts: 0,
  });
  const peer = (name: "hono" | "workerd" | "skiff", rps: number, p50: number) => ({
    peer: name,
    label: name,
    runs: [
      { ...run(name, rps * 2, p50), connections: 1 },
      { ...run(name, rps, p50 * 10), connections: 100 },
    ],
  });
  const measured = {
    mode: "quick" as const,
    machine: testMachine(0.5, date),
    plan: planFor("quick"),
    peers: ["hono" as const, "workerd" as const, "skiff" as const],
    warm: [peer("hono", 10_000, 0.1), peer("workerd", 8_000, 0.2), peer("skiff", skiffRps, 0.3)],
    memory: {
      levels: [
        { isolates: 0, rssMiB: 100, processes: 4 },
        { isolates: 100, rssMiB: 300, processes: 4 },
      ],
      perIsolateMiB: [{ from: 0, to: 100, mib: 2 }],
    },
    errors: [],
  };
  return { ...measured, targets: evaluateTargets(measured), elapsedSeconds: 60 };
}

describe("evaluateTargets", () => {
  it("computes the ratios and verdicts of issue 9, n/a where nothing was measured", () => {
    const targets = report("2026-01-01T00:00:00.000Z", 8_000).targets;
    const byId = new Map(targets.map((t) => [t.id, t]));
    expect(byId.get("rps-vs-workerd")).toMatchObject({ figure: 1, met: true });
    expect(byId.get("rps-vs-hono")).toMatchObject({ figure: 0.8, met: true });
    expect(byId.get("added-latency")).toMatchObject({ figure: 0.2, met: true });
    expect(byId.get("rss-per-isolate")).toMatchObject({ figure: 2, met: true });
    expect(byId.get("async-throughput")).toMatchObject({ figure: null, met: null });
    expect(report("2026-01-01T00:00:00.000Z", 4_000).targets.find((t) => t.id === "rps-vs-hono")?.met).toBe(
      false,
    );
    // No direct data plane measured in this run: no verdict on it at all.
    expect(byId.has("rps-vs-workerd-direct")).toBe(false);
  });

  it("judges the direct data plane on its own rows when the run measured it", () => {
    const measured = report("2026-01-01T00:00:00.000Z", 4_000);
    const direct = {
      peer: "skiff-direct" as const,
      label: "Skiff (direct data plane)",
      runs: (measured.warm?.find((w) => w.peer === "skiff")?.runs ?? []).map((r) => ({
        ...r,
        peer: "skiff-direct" as const,
        requestsPerSecond: r.requestsPerSecond * 3,
      })),
    };
    const targets = evaluateTargets({ ...measured, warm: [...(measured.warm ?? []), direct] });
    const byId = new Map(targets.map((t) => [t.id, t]));
    expect(byId.get("rps-vs-workerd")).toMatchObject({ figure: 0.5, met: false });
    expect(byId.get("rps-vs-workerd-direct")).toMatchObject({ figure: 1.5, met: true });
    expect(byId.get("rps-vs-hono-direct")).toMatchObject({ figure: 1.2, met: true });
    expect(byId.get("added-latency-direct")).toMatchObject({ figure: 0.2, met: true });
    expect(byId.get("rps-vs-workerd-direct")?.label).toBe(
      "warm hello req/s at c=100, Skiff (direct data plane) ÷ workerd",
    );
  });
});

describe("BENCHMARKS.md", () => {
  it("renders the machine, targets and tables, and keeps profiles and history from the previous file", () => {
    const first = benchmarksMarkdown(report("2026-01-01T00:00:00.000Z", 8_000), undefined, "Notes by hand.");
    expect(first).toContain("| 2 | Test CPU | 4 GiB | v20.0.0 |");
    expect(first).toContain("| warm hello req/s at c=100, Skiff ÷ workerd | 1 × | ≥ 1.0× | met |");
    expect(first).toContain("Notes by hand.");
    expect(sectionOf(first, "profile-warm")).toContain("None yet");

    const profiled = replaceSection(first, "profile-warm", "## CPU profile: warm\n\n| frame |");
    const second = benchmarksMarkdown(report("2026-01-02T00:00:00.000Z", 4_000), profiled, undefined);
    expect(sectionOf(second, "profile-warm")).toBe("## CPU profile: warm\n\n| frame |");
    const history =
      sectionOf(second, "history")
        ?.split("\n")
        .filter((line) => line.startsWith("| 2")) ?? [];
    expect(history.map((line) => line.slice(2, 12))).toEqual(["2026-01-02", "2026-01-01"]);
    expect(second).toContain("| warm hello req/s at c=100, Skiff ÷ workerd | 0.5 × | ≥ 1.0× | MISSED |");
  });

  it("puts the CPU per request section right after the warm table", () => {
    const markdown = benchmarksMarkdown(report("2026-01-01T00:00:00.000Z", 8_000), undefined, undefined);
    const titles = markdown.split("\n").filter((line) => line.startsWith("## "));
    const warm = titles.findIndex((title) => title.startsWith("## Warm HTTP"));
    expect(warm).toBeGreaterThan(0);
    expect(titles[warm + 1]).toBe("## CPU per request (warm hello, c=100)");
    // Results from before CPU was read: the columns are there, with dashes.
    expect(markdown).toContain("| skiff | 8,000 | – | – | – |");
  });

  it("appends a section that is not there yet", () => {
    expect(replaceSection("# x\n", "profile-cold", "body")).toBe(
      "# x\n\n<!-- profile-cold:start -->\nbody\n<!-- profile-cold:end -->\n",
    );
  });
});

describe("renderText", () => {
  it("aligns columns under their headers", () => {
    const text = renderText(allTables(report("2026-01-01T00:00:00.000Z", 8_000)));
    const lines = text.split("\n");
    const header = lines.findIndex((line) => line.startsWith("peer "));
    expect(lines[header + 1]).toMatch(/^-+ {2}-+/);
    expect(lines[header]?.indexOf("req/s")).toBe(
      lines[header + 2]?.indexOf(lines[header + 2]?.split(/\s{2,}/)[3] ?? "?"),
    );
  });
});
