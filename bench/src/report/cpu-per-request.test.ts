import { describe, expect, it } from "vitest";
import type { PeerName } from "../peers/peer.js";
import type { WarmPeerResult, WarmRun } from "../results.js";
import { summarize } from "../stats.js";
import { cpuPerRequestTable, serverBudgetUs } from "./cpu-per-request.js";
import { renderMarkdown } from "./render.js";
import { warmTable } from "./tables.js";
import { testMachine } from "./test-machine.js";

const machine = testMachine(1);

function peer(
  name: PeerName,
  label: string,
  rps: number,
  cpu?: Pick<WarmRun, "serverCpuUsPerRequest" | "serverCores" | "generatorCpuUsPerRequest">,
): WarmPeerResult {
  const run = (connections: number): WarmRun => ({
    peer: name,
    body: "hello",
    connections,
    requestsPerSecond: connections === 100 ? rps : rps / 10,
    latencyMs: summarize([1]),
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    ...(connections === 100 ? cpu : {}),
  });
  return { peer: name, label, runs: [run(1), run(100)] };
}

const measured = [
  peer("hono", "@hono/node-server", 40_000, {
    serverCpuUsPerRequest: 25,
    serverCores: 1,
    generatorCpuUsPerRequest: 20,
  }),
  peer("workerd", "workerd", 20_000, {
    serverCpuUsPerRequest: 50,
    serverCores: 1,
    generatorCpuUsPerRequest: 24,
  }),
  peer("skiff", "Skiff", 5_000, {
    serverCpuUsPerRequest: 300,
    serverCores: 1.5,
    generatorCpuUsPerRequest: 26,
  }),
  peer("skiff-direct", "Skiff (direct data plane)", 10_000, {
    serverCpuUsPerRequest: 150,
    serverCores: 1.5,
    generatorCpuUsPerRequest: 22,
  }),
];

describe("serverBudgetUs", () => {
  it("is the machine's CPU per request at that rate less the load generator's share", () => {
    expect(serverBudgetUs(2, 20_000, 20)).toBe(80);
    expect(serverBudgetUs(2, undefined, 20)).toBeUndefined();
    expect(serverBudgetUs(2, 0, 20)).toBeUndefined();
    expect(serverBudgetUs(2, 20_000, undefined)).toBeUndefined();
  });
});

describe("CPU per request section", () => {
  it("lists each peer's server and generator CPU at c=100, the budgets and Skiff ÷ workerd", () => {
    const markdown = renderMarkdown([cpuPerRequestTable({ machine, warm: measured })]);
    expect(markdown).toContain("## CPU per request (warm hello, c=100)");
    expect(markdown).toContain(
      "| peer | req/s | server CPU µs/req | server cores used | load generator µs/req |",
    );
    expect(markdown).toContain("| workerd | 20,000 | 50 | 1 | 24 |");
    expect(markdown).toContain("| Skiff (direct data plane) | 10,000 | 150 | 1.5 | 22 |");
    // Each budget takes the generator's cost from the goal peer's own run: 2e6 ÷ 20 000 − 24 (workerd's) = 76;
    // 2e6 ÷ (0.6 × 40 000) − 20 (hono's) ≈ 63.3.
    expect(markdown).toContain(
      "- Server CPU budget per request to match workerd's req/s here: 2 cores × 1e6 ÷ 20,000 req/s − 24 µs (load generator, in that peer's run) = 76 µs",
    );
    expect(markdown).toContain(
      "- Server CPU budget per request to match 0.6× @hono/node-server's req/s here: 2 cores × 1e6 ÷ 24,000 req/s − 20 µs (load generator, in that peer's run) = 63.3 µs",
    );
    expect(markdown).toMatch(/uses every core \(as Skiff does\)/);
    expect(markdown).toContain("- Skiff ÷ workerd, server CPU per request: 6×");
    expect(markdown).toContain("- Skiff (direct data plane) ÷ workerd, server CPU per request: 3×");
  });

  it("shows a dash for what a run did not measure: a peer not run or failed, results from before CPU was read", () => {
    const failedWorkerd = { ...measured[1], error: "no binary" } as WarmPeerResult;
    const withoutDirect = [measured[0], failedWorkerd, measured[2]] as WarmPeerResult[];
    const lines = renderMarkdown([cpuPerRequestTable({ machine, warm: withoutDirect })]).split("\n");
    expect(lines).toContain("| workerd | – | – | – | – |");
    expect(lines).toContain("- Server CPU budget per request to match workerd's req/s here: –");
    expect(lines).toContain("- Skiff ÷ workerd, server CPU per request: –");
    expect(lines).toContain("- Skiff (direct data plane) ÷ workerd, server CPU per request: –");

    const old = [peer("hono", "@hono/node-server", 40_000), peer("workerd", "workerd", 20_000)];
    const oldLines = renderMarkdown([cpuPerRequestTable({ machine, warm: old })]).split("\n");
    expect(oldLines).toContain("| workerd | 20,000 | – | – | – |");
    expect(oldLines).toContain("- Server CPU budget per request to match workerd's req/s here: –");
  });
});

describe("warm table", () => {
  it("has the server's and the load generator's CPU per request on every run, a dash where not measured", () => {
    const table = warmTable([
      measured[2] as WarmPeerResult,
      { ...peer("workerd", "workerd", 1), error: "gone" },
    ]);
    const at = (name: string) => table.header.indexOf(name);
    expect(at("server CPU µs/req")).toBeGreaterThan(at("req/s ÷ hono"));
    expect(at("load gen µs/req")).toBe(at("server CPU µs/req") + 1);
    const [c1, c100, failed] = table.rows;
    expect(c100?.[at("server CPU µs/req")]).toBe("300");
    expect(c100?.[at("load gen µs/req")]).toBe("26");
    expect(c1?.[at("server CPU µs/req")]).toBe("–");
    expect(failed).toHaveLength(table.header.length);
    expect(failed?.at(-1)).toBe("failed: gone");
  });
});
