// /metrics through the whole gateway (fakes for storage and runtime): who may scrape, and what requests add.
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, OPERATOR_KEY, startHarness } from "../testing/harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.gateway.close();
  h = undefined;
});

async function scrape(harness: Harness): Promise<Response> {
  return harness.gateway.app.request("/metrics", { headers: { authorization: `Bearer ${OPERATOR_KEY}` } });
}

/** The value of one series in the gateway's registry (0 when the series does not exist yet). */
async function seriesValue(harness: Harness, name: string, labels: Record<string, string>): Promise<number> {
  const metric = harness.gateway.metrics.registry.getSingleMetric(name);
  const values = (await metric?.get())?.values ?? [];
  const series = values.find((v) =>
    Object.entries(labels).every(([key, value]) => String(v.labels[key]) === value),
  );
  return series?.value ?? 0;
}

describe("GET /metrics", () => {
  it("answers the operator key only, in Prometheus text format", async () => {
    h = await startHarness();
    expect((await h.gateway.app.request("/metrics")).status).toBe(401);
    const tenant = await h.gateway.app.request("/metrics", { headers: { authorization: `Bearer ${h.key}` } });
    expect(tenant.status).toBe(403);
    const answer = await scrape(h);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await answer.text();
    expect(text).toContain("# TYPE skiff_invocations_total counter");
    expect(text).toContain("# TYPE skiff_http_request_duration_seconds histogram");
  });

  it("leaves /metrics on a function's host to the function", async () => {
    h = await startHarness();
    await h.deploy("hello");
    const answer = await h.gateway.app.request("/metrics", { headers: { host: "hello.default.localhost" } });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toMatch(/^hello v1 GET /);
  });

  it("counts each invocation by outcome and trigger, and each request by route kind and status class", async () => {
    h = await startHarness();
    await h.deploy("hello");
    let calls = 0;
    const answer = h.runtime.handler;
    h.runtime.handler = (version, event, options) =>
      ++calls % 2 === 0 ? { outcome: "exception" } : answer(version, event, options);
    for (let i = 0; i < 5; i++) await h.gateway.app.request("/fn/default/hello");
    await h.gateway.app.request("/fn/default/missing");
    const fn = { tenant: "default", function: "hello", trigger: "http" };
    expect(await seriesValue(h, "skiff_invocations_total", { ...fn, outcome: "ok" })).toBe(3);
    expect(await seriesValue(h, "skiff_invocations_total", { ...fn, outcome: "exception" })).toBe(2);
    expect(await seriesValue(h, "skiff_cold_starts_total", { tenant: "default", function: "hello" })).toBe(1);
    const http = (status: string) => ({ route: "function", method: "GET", status_class: status });
    expect(await seriesValue(h, "skiff_http_requests_total", http("2xx"))).toBe(3);
    expect(await seriesValue(h, "skiff_http_requests_total", http("5xx"))).toBe(2);
    expect(await seriesValue(h, "skiff_http_requests_total", http("4xx"))).toBe(1);
    const text = await (await scrape(h)).text();
    expect(text).toMatch(/^skiff_invocation_duration_seconds_count\{tenant="default",function="hello"\} 5$/m);
  });

  it("samples the runtime's workers on scrape and counts restarts from the supervisor's events", async () => {
    let hits = 10;
    h = await startHarness({
      runtimeStats: async () => ({
        workers: [
          {
            slot: 0,
            role: "invocations",
            pid: 42,
            restarts: 0,
            rssBytes: 1000,
            isolates: { idle: 3, busy: 1, heapBytes: 4096, hits, misses: 2, evictions: 1 },
          },
          { slot: 1, role: "probation", pid: undefined, restarts: 0 },
        ],
      }),
    });
    await scrape(h);
    hits = 15;
    await scrape(h);
    expect(await seriesValue(h, "skiff_isolate_cache_hits_total", {})).toBe(15);
    expect(await seriesValue(h, "skiff_isolates", { state: "idle" })).toBe(3);
    expect(await seriesValue(h, "skiff_runtime_workers", { role: "invocations" })).toBe(1);
    expect(await seriesValue(h, "skiff_runtime_workers", { role: "probation" })).toBe(0);
    h.gateway.metrics.observeRuntimeEvent({
      type: "worker-restart",
      slot: 0,
      role: "invocations",
      delayMs: 0,
      restarts: 1,
    });
    h.gateway.metrics.observeRuntimeEvent({
      type: "watchdog-kill",
      slot: 0,
      role: "invocations",
      invocationId: "x",
    });
    expect(await seriesValue(h, "skiff_runtime_worker_restarts_total", { role: "invocations" })).toBe(1);
    expect(await seriesValue(h, "skiff_runtime_worker_kills_total", { reason: "watchdog" })).toBe(1);
  });

  it("still answers when a sampled source fails, counting the failure", async () => {
    h = await startHarness({
      runtimeStats: async () => {
        throw new Error("no workers");
      },
    });
    expect((await scrape(h)).status).toBe(200);
    expect(await seriesValue(h, "skiff_metrics_sample_failures_total", { source: "runtime" })).toBe(1);
  });

  it("observes cron lag in seconds", async () => {
    h = await startHarness();
    h.gateway.metrics.observeCronStart({
      tenant: "default",
      functionName: "tick",
      cron: "* * * * *",
      scheduledTime: 60_000,
      startedAt: 60_250,
    });
    const text = await (await scrape(h)).text();
    expect(text).toMatch(/^skiff_cron_lag_seconds_sum\{tenant="default",function="tick"\} 0\.25$/m);
  });
});
