import { DEFAULT_QUOTAS, type TenantQuotas } from "@skiff/core";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../api-error.js";
import { runWith } from "../../testing/cli-harness.js";

const usage = {
  functions: 3,
  isolateMemoryMb: 256,
  concurrentInvocations: 2,
  storedBytes: 1234,
  asyncEventsLastMinute: 7,
};

describe("skiff quota get", () => {
  it("shows each quota's limit next to its use, for the tenant named or --tenant", async () => {
    const asked: string[] = [];
    const api = {
      getQuotas: async (tenant: string) => {
        asked.push(tenant);
        return { quotas: { ...DEFAULT_QUOTAS, requestsPerSecond: 10 }, usage };
      },
    };
    const run = await runWith(api, ["quota", "get", "acme"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        "Quotas of tenant acme:",
        "QUOTA                     LIMIT      USED",
        "maxFunctions              1000       3",
        "maxIsolateMemoryMb        unlimited  256",
        "maxConcurrentInvocations  1000       2",
        "requestsPerSecond         10         -",
        "burst                     unlimited  -",
        "maxStoredBytes            unlimited  1234",
        "asyncEventsPerMinute      unlimited  7",
        "allowCodeGeneration       true       -",
        "",
      ].join("\n"),
    );
    const json = await runWith(api, ["quota", "get", "-t", "other", "--json"]);
    expect(JSON.parse(json.stdout)).toEqual({
      tenant: "other",
      quotas: { ...DEFAULT_QUOTAS, requestsPerSecond: 10 },
      usage,
    });
    expect(asked).toEqual(["acme", "other"]);
  });
});

describe("skiff quota set", () => {
  function recording() {
    const patches: Array<{ tenant: string; patch: Partial<TenantQuotas> }> = [];
    const api = {
      setQuotas: async (tenant: string, patch: Partial<TenantQuotas>) => {
        patches.push({ tenant, patch });
        return { ...DEFAULT_QUOTAS, ...patch };
      },
    };
    return { patches, api };
  }

  it("sends only the quotas given, with unlimited as null and the code-generation switch as a boolean", async () => {
    const { patches, api } = recording();
    const run = await runWith(api, [
      "quota",
      "set",
      "acme",
      "--requests-per-second",
      "10",
      "--burst",
      "20",
      "--max-stored-bytes",
      "unlimited",
      "--allow-code-generation",
      "false",
      "--json",
    ]);
    expect(run.code).toBe(0);
    const patch = { requestsPerSecond: 10, burst: 20, maxStoredBytes: null, allowCodeGeneration: false };
    expect(patches).toEqual([{ tenant: "acme", patch }]);
    expect(JSON.parse(run.stdout)).toEqual({ tenant: "acme", quotas: { ...DEFAULT_QUOTAS, ...patch } });
    const pretty = await runWith(api, ["quota", "set", "acme", "--max-functions", "5"]);
    expect(pretty.stdout).toContain("Quotas of tenant acme are now:\n");
    expect(pretty.stdout).toMatch(/maxFunctions\s+5\n/);
  });

  it("refuses bad values and an empty change before calling the server", async () => {
    const { patches, api } = recording();
    for (const argv of [
      ["--max-functions", "-1"],
      ["--max-functions", "ten"],
      ["--burst", "1.5"],
      ["--allow-code-generation", "yes"],
      [],
    ]) {
      const run = await runWith(api, ["quota", "set", "acme", ...argv]);
      expect(run.code, argv.join(" ")).not.toBe(0);
      expect(run.stderr.length).toBeGreaterThan(0);
    }
    expect(patches).toEqual([]);
  });

  it("shows the server's refusal (a tenant key may not set quotas)", async () => {
    const api = {
      setQuotas: async () => {
        throw new ApiError(403, "FORBIDDEN", "this operation needs the operator key");
      },
    };
    const run = await runWith(api, ["quota", "set", "acme", "--max-functions", "5"]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("operator key");
  });
});
