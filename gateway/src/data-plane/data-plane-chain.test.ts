import { type InvocationRecord, resolveFunctionConfig } from "@skiff/core";
import type { VersionSpec } from "@skiff/runtime";
import { Hono } from "hono";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { TenantLimiter } from "../quotas/tenant-limiter.js";
import { FakeRuntime } from "../testing/fake-runtime.js";
import { json } from "../testing/json.js";
import { useDataPlaneChain } from "./data-plane-chain.js";

const hello: VersionSpec = {
  id: "v1",
  tenant: "acme",
  functionName: "hello",
  number: 1,
  codeHash: "v1",
  config: resolveFunctionConfig(),
  secrets: {},
};

/** The chain alone on a bare app, as a runtime worker mounts it, with a notFound of its own after it. */
function chainApp() {
  const records: InvocationRecord[] = [];
  const observed: Array<[string, string, number]> = [];
  const app = useDataPlaneChain(new Hono(), {
    routes: { get: (tenant, name) => (tenant === "acme" && name === "hello" ? hello : undefined) },
    runtime: new FakeRuntime(),
    limiter: new TenantLimiter({ quotas: [] }),
    writer: { add: (record) => records.push(record) },
    metrics: { observeHttp: (route, method, status) => observed.push([route, method, status]) },
    logger: pino({ enabled: false }),
    now: () => 1_000,
    newId: () => "inv-1",
    baseDomain: "localhost",
    requestBodyBytes: 1024,
    maxUrlBytes: 64,
  });
  app.notFound((c) => c.text("elsewhere", 404));
  return { app, records, observed };
}

describe("useDataPlaneChain", () => {
  it("runs and records a function request, with a request id, counted as a function", async () => {
    const { app, records, observed } = chainApp();
    const res = await app.request("http://hello.acme.localhost/a?b=c", {
      headers: { "x-request-id": "r-1" },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("hello v1 GET http://hello.acme.localhost/a?b=c");
    expect(res.headers.get("x-request-id")).toBe("r-1");
    expect(res.headers.get("x-skiff-invocation-id")).toBe("inv-1");
    expect(records.map((record) => [record.id, record.functionName, record.status])).toEqual([
      ["inv-1", "hello", 200],
    ]);
    expect(observed).toEqual([["function", "GET", 200]]);
  });

  it("answers a function's errors and an over-long target itself, and leaves anything else to what follows", async () => {
    const { app, observed } = chainApp();
    const missing = await app.request("/fn/acme/missing/");
    expect(missing.status).toBe(404);
    expect((await json(missing)).error.code).toBe("FUNCTION_NOT_FOUND");
    const long = await app.request(`/fn/acme/hello/${"x".repeat(64)}`);
    expect(long.status).toBe(414);
    expect((await json(long)).error.code).toBe("URI_TOO_LONG");
    const other = await app.request("/healthz");
    expect(await other.text()).toBe("elsewhere");
    expect(other.headers.get("x-request-id")).toMatch(/\S/);
    expect(observed).toEqual([
      ["function", "GET", 404],
      ["function", "GET", 414],
      ["health", "GET", 404],
    ]);
  });
});
