// GET /api/v1/tenants/{t}/usage over real SQLite (the fake runtime answers every invocation in 2 ms wall, 1 ms CPU).
import { afterEach, describe, expect, it } from "vitest";
import { type SqliteHarness, startSqliteHarness } from "../testing/sqlite-harness.js";
import { parsePriceTable } from "../usage/price-table.js";

let h: SqliteHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function invoke(harness: SqliteHarness, name: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    expect((await harness.gateway.app.request(`/fn/acme/${name}`)).status).toBe(200);
  }
  await harness.gateway.flush();
}

describe("GET /tenants/{t}/usage", () => {
  it("answers per function and in total: requests, GB-seconds of each version's memory, CPU, stored bytes", async () => {
    h = await startSqliteHarness();
    await h.call("PUT", "/api/v1/tenants/acme/functions/big", {
      body: { code: "export default {}", config: { memoryMb: 1024 } },
    });
    await h.deploy("small");
    await invoke(h, "big", 2);
    await invoke(h, "small", 3);
    const reply = await h.call("GET", "/api/v1/tenants/acme/usage", { key: h.acmeReadKey });
    expect(reply.status).toBe(200);
    const body = reply.json as Record<string, unknown>;
    expect(body).toMatchObject({
      tenant: "acme",
      functions: [
        { name: "big", requests: 2, errors: 0, coldStarts: 1, wallMs: 4, cpuMs: 2, egressBytes: 0 },
        { name: "small", requests: 3, wallMs: 6, cpuMs: 3 },
      ],
      totals: { requests: 5, wallMs: 10, cpuMs: 5, coldStarts: 2 },
      storedBytes: 0,
    });
    const functions = body.functions as Array<{ gbSeconds: number; estimatedCost?: unknown }>;
    expect(functions[0]?.gbSeconds).toBeCloseTo(2 * 1 * 0.002, 12);
    expect(functions[1]?.gbSeconds).toBeCloseTo(3 * 0.125 * 0.002, 12);
    expect((body.totals as { gbSeconds: number }).gbSeconds).toBeCloseTo(0.004 + 0.00075, 12);
    expect(functions[0]?.estimatedCost).toBeUndefined();
  });

  it("counts only the hours in range", async () => {
    h = await startSqliteHarness();
    await h.deploy("hello");
    await invoke(h, "hello", 1);
    h.clock.now += 3 * 3_600_000;
    await invoke(h, "hello", 2);
    const recent = await h.call("GET", `/api/v1/tenants/acme/usage?from=${h.clock.now - 3_600_000}`);
    expect(recent.json).toMatchObject({ totals: { requests: 2 } });
    const early = await h.call("GET", `/api/v1/tenants/acme/usage?from=0&to=${h.clock.now - 3_600_000}`);
    expect(early.json).toMatchObject({ totals: { requests: 1 } });
  });

  it("adds an estimated cost in Lambda's shape when the operator set prices", async () => {
    h = await startSqliteHarness({ prices: parsePriceTable('{"perRequest": 0.2, "perGbSecond": 10}') });
    await h.deploy("hello");
    await invoke(h, "hello", 4);
    const reply = await h.call("GET", "/api/v1/tenants/acme/usage");
    const totals = (reply.json as { totals: { estimatedCost: Record<string, unknown> } }).totals;
    expect(totals.estimatedCost).toEqual({
      currency: "USD",
      requests: { quantity: 4, unitPrice: 0.2, amount: 0.8 },
      duration: { quantity: 0.001, unitPrice: 10, amount: 0.01 },
      total: 0.81,
    });
  });

  it("refuses bad bounds and unknown parameters, and other tenants' keys", async () => {
    h = await startSqliteHarness();
    const bad = await h.call("GET", "/api/v1/tenants/acme/usage?from=yesterday");
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { code: "INVALID_REQUEST" } });
    expect((await h.call("GET", "/api/v1/tenants/acme/usage?form=1h")).status).toBe(400);
    expect((await h.call("GET", "/api/v1/tenants/acme/usage?from=2h&to=3h")).status).toBe(400);
    expect((await h.call("GET", "/api/v1/tenants/acme/usage", { key: h.otherKey })).status).toBe(403);
    expect((await h.call("GET", "/api/v1/tenants/nobody/usage")).status).toBe(404);
  });
});
