import type { UsageReport } from "@skiff/gateway";
import { describe, expect, it } from "vitest";
import { runWith } from "../testing/cli-harness.js";

const report: UsageReport = {
  tenant: "default",
  from: Date.UTC(2026, 10, 1),
  to: Date.UTC(2026, 10, 17, 15, 30),
  functions: [
    {
      name: "hello",
      requests: 3,
      errors: 1,
      coldStarts: 1,
      wallMs: 6,
      cpuMs: 3,
      gbSeconds: 0.00075,
      egressBytes: 2048,
    },
  ],
  totals: {
    requests: 3,
    errors: 1,
    coldStarts: 1,
    wallMs: 6,
    cpuMs: 3,
    gbSeconds: 0.00075,
    egressBytes: 2048,
    estimatedCost: {
      currency: "USD",
      requests: { quantity: 3, unitPrice: 0.2, amount: 0.6 },
      duration: { quantity: 0.00075, unitPrice: 0.0000166667, amount: 1.25e-8 },
      total: 0.6000000125,
    },
  },
  storedBytes: 5 * 1024 * 1024,
};

describe("skiff usage", () => {
  it("passes --from and --to to the server and prints a table, stored bytes and the estimated cost", async () => {
    const asked: unknown[] = [];
    const run = await runWith(
      {
        getUsage: async (tenant, range) => {
          asked.push({ tenant, range });
          return report;
        },
      },
      ["usage", "--from", "7d", "--to", "2026-11-17"],
    );
    expect(run.code).toBe(0);
    expect(asked).toEqual([{ tenant: "default", range: { from: "7d", to: "2026-11-17" } }]);
    expect(run.stdout).toContain(
      "Usage of tenant default, 2026-11-01 00:00 to 2026-11-17 15:30 (UTC hours):",
    );
    expect(run.stdout).toMatch(/^FUNCTION\s+REQUESTS\s+ERRORS\s+GB-SECONDS\s+CPU-MS\s+EGRESS$/m);
    expect(run.stdout).toMatch(/^hello\s+3\s+1\s+0\.000750\s+3\.0\s+2\.0 KB$/m);
    expect(run.stdout).toMatch(/^\(total\)\s+3\s+1/m);
    expect(run.stdout).toContain("Stored now: 5.0 MB");
    expect(run.stdout).toContain("Estimated cost: 0.60 USD (requests 0.60, duration 1.25e-8)");
  });

  it("prints the server's answer as one JSON line with --json, and asks for the default range without flags", async () => {
    const asked: unknown[] = [];
    const run = await runWith(
      {
        getUsage: async (tenant, range) => {
          asked.push({ tenant, range });
          return report;
        },
      },
      ["usage", "--tenant", "acme", "--json"],
    );
    expect(run.code).toBe(0);
    expect(asked).toEqual([{ tenant: "acme", range: {} }]);
    expect(JSON.parse(run.stdout)).toEqual(report);
  });

  it("says so when nothing ran", async () => {
    const empty = { ...report, functions: [], totals: { ...report.totals, requests: 0 } };
    const { totals, ...rest } = empty;
    const { estimatedCost: _, ...bare } = totals;
    const run = await runWith({ getUsage: async () => ({ ...rest, totals: bare }) }, ["usage"]);
    expect(run.stdout).toContain("No invocations in this range.");
    expect(run.stdout).not.toContain("Estimated cost");
  });
});
