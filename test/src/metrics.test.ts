// /metrics of a real `skiff serve`, parsed by a Prometheus text-format parser: counters move by exactly the
// invocations made; the operator key guards the main port; SKIFF_METRICS_PORT serves it without a key.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseScrape, type Scrape } from "./prometheus.js";
import { AdminClient, call, invoke, waitFor } from "./skiff-api.js";
import { type SkiffServer, startSkiff } from "./skiff-server.js";

const COUNTED = `export default {
  async fetch(request) {
    if (new URL(request.url).searchParams.has("fail")) throw new Error("asked to fail");
    return new Response("ok");
  },
};`;

let server: SkiffServer;
let admin: AdminClient;
let keylessUrl: string;

beforeAll(async () => {
  server = await startSkiff({ env: { SKIFF_METRICS_PORT: "0" } });
  admin = new AdminClient(server, server.adminToken);
  const line = /^Prometheus metrics \(no key needed\) at (http:\/\/\S+)$/m.exec(server.stdout());
  if (line?.[1] === undefined) throw new Error(`no metrics line in:\n${server.stdout()}`);
  keylessUrl = line[1];
  await admin.mustDeploy("counted", COUNTED);
}, 90_000);

afterAll(async () => {
  await server?.stop();
});

async function scrape(): Promise<Scrape> {
  const answer = await call(`${server.url}/metrics`, {
    headers: { authorization: `Bearer ${server.adminToken}` },
  });
  expect(answer.status).toBe(200);
  expect(answer.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
  return parseScrape(answer.text);
}

const fn = { tenant: "default", function: "counted" };

describe("GET /metrics (e2e)", () => {
  it("refuses a scrape without the operator key on the main port", async () => {
    expect((await call(`${server.url}/metrics`)).status).toBe(401);
    const tenantKey = await call(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${server.defaultKey}` },
    });
    expect(tenantKey.status).toBe(403);
    expect(tenantKey.json.error.code).toBe("FORBIDDEN");
  });

  it("moves the invocation counters by exactly the invocations made, by trigger and outcome", async () => {
    const before = await scrape();
    const ok = { ...fn, trigger: "http", outcome: "ok" };
    const failed = { ...fn, trigger: "http", outcome: "exception" };
    const direct = { ...fn, trigger: "invoke", outcome: "ok" };
    const httpOk = { route: "function", method: "GET", status_class: "2xx" };
    const http5xx = { route: "function", method: "GET", status_class: "5xx" };

    for (let i = 0; i < 5; i++) expect((await invoke(server, "counted")).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await invoke(server, "counted", "?fail=1")).status).toBe(500);
    const invoked = await admin.call("POST", "/tenants/default/functions/counted/invoke", {});
    expect(invoked.status).toBe(200);

    const delta = (after: Scrape, name: string, labels: Record<string, string>) =>
      after.value(name, labels) - before.value(name, labels);
    // Records reach the bus once each invocation finishes; wait for the last, then nothing more may come.
    const after = await waitFor("8 invocations in /metrics", async () => {
      const now = await scrape();
      return delta(now, "skiff_invocation_duration_seconds_count", fn) >= 8 ? now : undefined;
    });
    expect(delta(after, "skiff_invocations_total", ok)).toBe(5);
    expect(delta(after, "skiff_invocations_total", failed)).toBe(2);
    expect(delta(after, "skiff_invocations_total", direct)).toBe(1);
    expect(delta(after, "skiff_invocations_total", fn)).toBe(8);
    expect(delta(after, "skiff_invocation_duration_seconds_count", fn)).toBe(8);
    expect(delta(after, "skiff_invocation_cpu_seconds_count", fn)).toBe(8);
    expect(delta(after, "skiff_http_requests_total", httpOk)).toBe(5);
    expect(delta(after, "skiff_http_requests_total", http5xx)).toBe(2);
    expect(after.value("skiff_cold_starts_total", fn)).toBeGreaterThanOrEqual(1);

    const later = await scrape();
    expect(later.value("skiff_invocations_total", fn)).toBe(after.value("skiff_invocations_total", fn));
  });

  it("reports the runtime workers, their isolate cache and the event queue", async () => {
    expect((await invoke(server, "counted")).status).toBe(200);
    expect((await invoke(server, "counted")).status).toBe(200);
    const metrics = await scrape();
    expect(metrics.value("skiff_runtime_workers", { role: "invocations" })).toBeGreaterThanOrEqual(1);
    expect(metrics.value("skiff_runtime_workers", { role: "check" })).toBe(1);
    expect(metrics.value("skiff_isolate_cache_hits_total")).toBeGreaterThanOrEqual(1);
    expect(metrics.value("skiff_isolate_cache_misses_total")).toBeGreaterThanOrEqual(1);
    expect(metrics.value("skiff_isolates")).toBeGreaterThanOrEqual(1);
    expect(metrics.value("skiff_runtime_worker_rss_bytes")).toBeGreaterThan(0);
    expect(metrics.families.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        "skiff_event_queue_depth",
        "skiff_dead_letters",
        "skiff_cron_lag_seconds",
        "skiff_runtime_worker_restarts_total",
        "skiff_http_request_duration_seconds",
        "process_resident_memory_bytes",
      ]),
    );
  });

  it("serves the same metrics without a key on SKIFF_METRICS_PORT, and only /metrics there", async () => {
    const answer = await call(keylessUrl);
    expect(answer.status).toBe(200);
    expect(parseScrape(answer.text).value("skiff_invocations_total", fn)).toBeGreaterThanOrEqual(8);
    expect((await call(keylessUrl.replace(/\/metrics$/, "/api/v1/tenants"))).status).toBe(404);
  });
});

describe("request ids (e2e)", () => {
  it("echoes a valid x-request-id and makes one up otherwise, on functions and the admin API alike", async () => {
    const given = await invoke(server, "counted", "", { headers: { "x-request-id": "trace-42" } });
    expect(given.headers["x-request-id"]).toBe("trace-42");
    const made = await invoke(server, "counted", "", { headers: { "x-request-id": "has spaces in it" } });
    expect(made.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    const api = await admin.call("GET", "/tenants/default/functions", undefined, { "x-request-id": "api-1" });
    expect(api.headers["x-request-id"]).toBe("api-1");
  });
});
