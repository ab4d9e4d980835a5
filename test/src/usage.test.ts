// Usage of a real `skiff serve`: requests, GB-seconds, CPU and errors exactly as the stored invocation records
// and each version's memory say; egress as the bytes a function fetched; an estimated cost from SKIFF_PRICES;
// and `skiff usage` showing the same.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminClient, invoke, waitFor } from "./skiff-api.js";
import { runSkiff } from "./skiff-cli.js";
import { type SkiffServer, startSkiff } from "./skiff-server.js";

const PRICES = { perRequest: 0.0000002, perGbSecond: 0.0000166667 };
const UPSTREAM_BODY = "u".repeat(5000);

let server: SkiffServer;
let admin: AdminClient;
let upstream: Server;

interface StoredRecord {
  version: number;
  outcome: string;
  wallMs: number;
  cpuMs: number;
}

beforeAll(async () => {
  upstream = createServer((request, response) => {
    request.resume();
    request.on("end", () => response.end(UPSTREAM_BODY));
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`;
  server = await startSkiff({
    env: { SKIFF_PRICES: JSON.stringify(PRICES), SKIFF_EGRESS_ALLOW: new URL(upstreamUrl).host },
  });
  admin = new AdminClient(server, server.defaultKey);
  const worker = `export default { async fetch(request) {
    if (new URL(request.url).searchParams.has("fail")) throw new Error("asked to fail");
    return new Response("ok");
  } }`;
  await admin.mustDeploy("small", worker, { memoryMb: 128 });
  await admin.mustDeploy("large", worker, { memoryMb: 512 });
  // A second version of "large" with more memory: each invocation is billed at its own version's memory.
  await admin.mustDeploy("large", `${worker}\n// v2`, { memoryMb: 1024 });
  await admin.mustDeploy(
    "fetcher",
    `export default { async fetch() {
      const answer = await fetch(${JSON.stringify(upstreamUrl)}, { method: "POST", body: "0123456789" });
      return new Response(String((await answer.text()).length));
    } }`,
  );
}, 90_000);

afterAll(async () => {
  await server?.stop();
  upstream?.close();
});

/** The function's stored invocation records, once there are `count` of them. */
async function records(name: string, count: number): Promise<StoredRecord[]> {
  return waitFor(`${count} stored invocations of ${name}`, async () => {
    const answer = await admin.invocations(name);
    const list = answer.json?.invocations as StoredRecord[] | undefined;
    return list !== undefined && list.length >= count ? list : undefined;
  });
}

describe("GET /tenants/{t}/usage (e2e)", () => {
  it("derives requests, errors, CPU and GB-seconds exactly from the invocation records", async () => {
    for (let i = 0; i < 3; i++) expect((await invoke(server, "small")).status).toBe(200);
    expect((await invoke(server, "small", "?fail=1")).status).toBe(500);
    for (let i = 0; i < 2; i++) expect((await invoke(server, "large")).status).toBe(200);
    const memoryOf = { small: () => 128, large: (version: number) => (version === 1 ? 512 : 1024) };
    const small = await records("small", 4);
    const large = await records("large", 2);
    expect(large.every((r) => r.version === 2)).toBe(true);

    const answer = await admin.call("GET", "/tenants/default/usage?from=1h");
    expect(answer.status).toBe(200);
    const usage = answer.json;
    const byName = (name: string) => usage.functions.find((f: { name: string }) => f.name === name);
    const expectFrom = (name: "small" | "large", list: StoredRecord[]) => {
      const figures = byName(name);
      expect(figures.requests).toBe(list.length);
      expect(figures.errors).toBe(list.filter((r) => r.outcome !== "ok").length);
      expect(figures.cpuMs).toBeCloseTo(
        list.reduce((sum, r) => sum + r.cpuMs, 0),
        9,
      );
      expect(figures.wallMs).toBeCloseTo(
        list.reduce((sum, r) => sum + r.wallMs, 0),
        9,
      );
      const gbSeconds = list.reduce(
        (sum, r) => sum + (memoryOf[name](r.version) / 1024) * (r.wallMs / 1000),
        0,
      );
      expect(figures.gbSeconds).toBeCloseTo(gbSeconds, 12);
      return gbSeconds;
    };
    const smallGbSeconds = expectFrom("small", small);
    expectFrom("large", large);
    expect(usage.totals.requests).toBeGreaterThanOrEqual(6);
    expect(usage.tenant).toBe("default");
    expect(usage.storedBytes).toBe(0);

    const cost = usage.totals.estimatedCost;
    expect(cost.currency).toBe("USD");
    expect(cost.requests).toEqual({
      quantity: usage.totals.requests,
      unitPrice: PRICES.perRequest,
      amount: expect.closeTo(usage.totals.requests * PRICES.perRequest, 9),
    });
    expect(cost.duration.quantity).toBeCloseTo(usage.totals.gbSeconds, 12);
    expect(byName("small").estimatedCost.duration.quantity).toBeCloseTo(smallGbSeconds, 12);
    expect(cost.total).toBeCloseTo(cost.requests.amount + cost.duration.amount, 9);
  });

  it("counts a function's outbound fetch bytes (request body sent + response body received) as egress", async () => {
    expect((await invoke(server, "fetcher")).text).toBe(String(UPSTREAM_BODY.length));
    expect((await invoke(server, "fetcher")).text).toBe(String(UPSTREAM_BODY.length));
    await records("fetcher", 2);
    const usage = (await admin.call("GET", "/tenants/default/usage")).json;
    const fetcher = usage.functions.find((f: { name: string }) => f.name === "fetcher");
    expect(fetcher.egressBytes).toBe(2 * (10 + UPSTREAM_BODY.length));
  });

  it("answers nothing for a range before anything ran, and refuses a bad range", async () => {
    const empty = await admin.call("GET", "/tenants/default/usage?from=2020-01-01&to=2020-02-01");
    expect(empty.status).toBe(200);
    expect(empty.json.functions).toEqual([]);
    expect(empty.json.totals.requests).toBe(0);
    const bad = await admin.call("GET", "/tenants/default/usage?from=last-week");
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/"from" must be/);
  });

  it("shows the same figures through `skiff usage --json` and as a table", async () => {
    await records("small", 4);
    const api = (await admin.call("GET", "/tenants/default/usage")).json;
    const json = await runSkiff(server, ["usage", "--json"]);
    expect(json.code).toBe(0);
    const cli = JSON.parse(json.stdout);
    expect(cli.totals.requests).toBe(api.totals.requests);
    expect(cli.functions.map((f: { name: string }) => f.name)).toEqual(["fetcher", "large", "small"]);
    const table = await runSkiff(server, ["usage", "--from", "1d"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^small\s+\d+\s+1\s/m);
    expect(table.stdout).toMatch(/^Estimated cost: .* USD \(requests .*, duration .*\)$/m);
    const bad = await runSkiff(server, ["usage", "--from", "soon"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/"from" must be/);
  });
});
