// The quota routes and every place a quota is enforced, through the whole gateway over real SQLite storage.
import { DEFAULT_QUOTAS } from "@skiff/core";
import type { BindingCall } from "@skiff/runtime";
import type { EnqueueInput } from "@skiff/storage";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBindingHost } from "../bindings/binding-host.js";
import type { SchedulerPort } from "../deps.js";
import { StoredBytesGuard } from "../quotas/stored-bytes-guard.js";
import { type SqliteHarness, startSqliteHarness } from "../testing/sqlite-harness.js";

let h: SqliteHarness;
const enqueued: EnqueueInput[] = [];
const scheduler: SchedulerPort = {
  enqueue: async (input) => {
    enqueued.push(input);
    return { id: `event-${enqueued.length}`, duplicate: false };
  },
  runTrigger: async () => [],
  triggers: () => [],
  wake: () => {},
};

const setQuotas = (tenant: string, body: unknown) =>
  h.call("PUT", `/api/v1/tenants/${tenant}/quotas`, { body });

beforeEach(async () => {
  enqueued.length = 0;
  h = await startSqliteHarness({ scheduler });
});

afterEach(async () => {
  await h.close();
});

describe("GET/PUT /api/v1/tenants/{t}/quotas", () => {
  it("shows the defaults and the usage to the tenant's keys and the operator, and hides them from others", async () => {
    await h.deploy("hello");
    const expected = {
      quotas: DEFAULT_QUOTAS,
      usage: {
        functions: 1,
        isolateMemoryMb: 0,
        concurrentInvocations: 0,
        storedBytes: 0,
        asyncEventsLastMinute: 0,
      },
    };
    for (const key of [undefined, h.acmeKey, h.acmeReadKey]) {
      const reply = await h.call("GET", "/api/v1/tenants/acme/quotas", key === undefined ? {} : { key });
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual(expected);
    }
    const foreign = await h.call("GET", "/api/v1/tenants/acme/quotas", { key: h.otherKey });
    expect(foreign.status).toBe(403);
    expect((await h.call("GET", "/api/v1/tenants/nobody/quotas")).status).toBe(404);
  });

  it("lets only the operator change quotas, by partial patch, stored and in force at once", async () => {
    const denied = await h.call("PUT", "/api/v1/tenants/acme/quotas", {
      key: h.acmeKey,
      body: { maxFunctions: 5000 },
    });
    expect(denied.status).toBe(403);
    expect(denied.json).toMatchObject({ error: { code: "FORBIDDEN" } });

    const first = await setQuotas("acme", { requestsPerSecond: 10, burst: 20 });
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ quotas: { ...DEFAULT_QUOTAS, requestsPerSecond: 10, burst: 20 } });
    const second = await setQuotas("acme", { maxStoredBytes: 1000, requestsPerSecond: null });
    const quotas = { ...DEFAULT_QUOTAS, burst: 20, maxStoredBytes: 1000 };
    expect(second.json).toEqual({ quotas });
    expect((await h.call("GET", "/api/v1/tenants/acme/quotas")).json.quotas).toEqual(quotas);
    expect(await h.storage.tenantQuotas.get("acme")).toEqual(quotas);
    expect(h.gateway.limiter.quotas("acme")).toEqual(quotas);
    expect(h.gateway.limiter.quotas("other")).toEqual(DEFAULT_QUOTAS);
  });

  it("refuses unknown fields and bad values with 400, changing nothing", async () => {
    for (const body of [
      { requestsPerSecnd: 5 },
      { maxFunctions: -1 },
      { burst: 0 },
      { maxStoredBytes: 1.5 },
      { allowCodeGeneration: "no" },
      { maxFunctions: "10" },
      [1],
      "not json",
    ]) {
      const reply = await setQuotas("acme", body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.json.error.code).toMatch(/^INVALID_(REQUEST|JSON)$/);
    }
    expect((await setQuotas("acme", { requestsPerSecnd: 5 })).json.error.message).toContain(
      "requestsPerSecnd",
    );
    expect(await h.storage.tenantQuotas.get("acme")).toEqual(DEFAULT_QUOTAS);
  });
});

describe("requestsPerSecond", () => {
  it("answers 429 RATE_LIMITED with Retry-After past the burst, while another tenant is unaffected", async () => {
    await h.deploy("hello");
    expect(
      (await h.call("PUT", "/api/v1/tenants/other/functions/hello", { body: { code: "export default {}" } }))
        .status,
    ).toBe(201);
    await setQuotas("acme", { requestsPerSecond: 1, burst: 2 });
    expect((await h.call("GET", "/fn/acme/hello/")).status).toBe(200);
    expect((await h.call("GET", "/fn/acme/hello/")).status).toBe(200);
    const limited = await h.call("GET", "/fn/acme/hello/");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(limited.json).toMatchObject({
      error: { code: "RATE_LIMITED", details: { retryAfterSeconds: 1 } },
    });
    expect(limited.json.error.message).toContain("requestsPerSecond");
    for (let i = 0; i < 5; i++) expect((await h.call("GET", "/fn/other/hello/")).status).toBe(200);
    // The refused request never reached the runtime.
    expect(h.runtime.invocations.filter((i) => i.version.tenant === "acme")).toHaveLength(2);
    h.clock.now += 1000;
    expect((await h.call("GET", "/fn/acme/hello/")).status).toBe(200);
  });
});

describe("asyncEventsPerMinute", () => {
  it("refuses an async invoke past the quota with 429 and Retry-After, before anything is queued", async () => {
    await h.deploy("hello");
    await setQuotas("acme", { asyncEventsPerMinute: 2 });
    const invoke = () => h.call("POST", "/api/v1/tenants/acme/functions/hello/invoke?async=1", { body: {} });
    expect((await invoke()).status).toBe(202);
    h.clock.now += 20_000;
    expect((await invoke()).status).toBe(202);
    const limited = await invoke();
    expect(limited.status).toBe(429);
    expect(limited.json.error).toMatchObject({ code: "RATE_LIMITED" });
    expect(limited.json.error.message).toContain("asyncEventsPerMinute");
    expect(Number(limited.headers.get("retry-after"))).toBe(40);
    expect(enqueued).toHaveLength(2);
    expect((await h.call("GET", "/api/v1/tenants/acme/quotas")).json.usage.asyncEventsLastMinute).toBe(2);
    // Synchronous invokes are not async events.
    expect((await h.call("POST", "/api/v1/tenants/acme/functions/hello/invoke", { body: {} })).status).toBe(
      200,
    );
  });
});

describe("maxConcurrentInvocations and maxIsolateMemoryMb", () => {
  it("refuses an invocation past the tenant's concurrency with 429 TOO_MANY_REQUESTS, shown in usage", async () => {
    await h.deploy("hello");
    await setQuotas("acme", { maxConcurrentInvocations: 1 });
    let open: () => void = () => {};
    const answer = h.runtime.handler;
    h.runtime.handler = (version, event, options) =>
      new Promise((resolve) => {
        open = () => resolve(answer(version, event, options));
      });
    const first = h.call("GET", "/fn/acme/hello/");
    await expect.poll(() => h.runtime.invocations.length).toBe(1);
    const usage = (await h.call("GET", "/api/v1/tenants/acme/quotas")).json.usage;
    expect(usage).toMatchObject({ concurrentInvocations: 1, isolateMemoryMb: 128 });
    const refused = await h.call("POST", "/api/v1/tenants/acme/functions/hello/invoke", { body: {} });
    expect(refused.status).toBe(429);
    expect(refused.json.error.code).toBe("TOO_MANY_REQUESTS");
    expect(refused.json.error.message).toContain("maxConcurrentInvocations");
    open();
    expect((await first).status).toBe(200);
    h.runtime.handler = answer;
    expect((await h.call("GET", "/fn/acme/hello/")).status).toBe(200);

    await setQuotas("acme", { maxConcurrentInvocations: null, maxIsolateMemoryMb: 64 });
    const memory = await h.call("GET", "/fn/acme/hello/");
    expect(memory.status).toBe(429);
    expect(memory.json.error.message).toContain("maxIsolateMemoryMb");
  });
});

describe("maxFunctions", () => {
  it("refuses a new function past the quota with 403 QUOTA_EXCEEDED; redeploys still work", async () => {
    await setQuotas("acme", { maxFunctions: 1 });
    await h.deploy("first");
    const refused = await h.call("PUT", "/api/v1/tenants/acme/functions/second", {
      body: { code: "export default {}" },
    });
    expect(refused.status).toBe(403);
    expect(refused.json.error).toMatchObject({ code: "QUOTA_EXCEEDED" });
    expect(refused.json.error.message).toContain("maxFunctions");
    await h.deploy("first");
    expect((await h.storage.functions.list("acme")).map((f) => [f.name, f.activeVersion])).toEqual([
      ["first", 2],
    ]);
  });
});

describe("maxStoredBytes", () => {
  it("refuses object and KV writes past the quota with 403 QUOTA_EXCEEDED, counting what an overwrite frees", async () => {
    await setQuotas("acme", { maxStoredBytes: 100 });
    expect((await h.call("POST", "/api/v1/tenants/acme/buckets", { body: { name: "files" } })).status).toBe(
      201,
    );
    const put = (key: string, size: number) =>
      h.call("PUT", `/api/v1/tenants/acme/buckets/files/objects/${key}`, { body: new Uint8Array(size) });
    expect((await put("a", 60)).status).toBe(201);
    const refused = await put("b", 60);
    expect(refused.status).toBe(403);
    expect(refused.json.error).toMatchObject({
      code: "QUOTA_EXCEEDED",
      details: { quota: "maxStoredBytes" },
    });
    expect(await h.storage.objects.head("acme", "files", "b")).toBeUndefined();
    // Overwriting "a" frees its 60 bytes first.
    expect((await put("a", 90)).status).toBe(201);

    expect((await h.call("POST", "/api/v1/tenants/acme/kv", { body: { name: "cache" } })).status).toBe(201);
    const kvPut = (key: string, size: number) =>
      h.call("PUT", `/api/v1/tenants/acme/kv/cache/values/${key}`, { body: new Uint8Array(size) });
    expect((await kvPut("k", 20)).status).toBe(403);
    expect((await kvPut("k", 10)).status).toBe(200);
    const quotas = await h.call("GET", "/api/v1/tenants/acme/quotas");
    expect(quotas.json.usage.storedBytes).toBe(100);
    // Another tenant's writes do not count, and it has no quota.
    expect((await h.call("POST", "/api/v1/tenants/other/buckets", { body: { name: "files" } })).status).toBe(
      201,
    );
    const big = await h.call("PUT", "/api/v1/tenants/other/buckets/files/objects/x", {
      body: new Uint8Array(5000),
    });
    expect(big.status).toBe(201);
  });

  it("holds bucket and KV binding writes from tenant code to the quota too", async () => {
    await setQuotas("acme", { maxStoredBytes: 50 });
    await h.storage.buckets.create("acme", "files", h.clock.now);
    await h.storage.kv.createNamespace("acme", "cache", h.clock.now);
    await h.deploy("writer");
    const version = h.gateway.routes.get("acme", "writer");
    if (version === undefined) throw new Error("not routed");
    const host = createBindingHost({
      storage: h.storage,
      now: () => h.clock.now,
      maxObjectBytes: 1 << 20,
      storedBytes: new StoredBytesGuard(h.storage.usage, h.gateway.limiter),
    });
    const bucketCall = (key: string, size: number): BindingCall => ({
      version,
      binding: { type: "bucket", name: "FILES", bucket: "files", access: "read-write" },
      op: "put",
      args: { key, body: new Uint8Array(size) },
    });
    await host(bucketCall("a", 40));
    await expect(host(bucketCall("b", 20))).rejects.toMatchObject({ code: "QUOTA_EXCEEDED" });
    await host(bucketCall("a", 45));
    const kvCall = (size: number): BindingCall => ({
      version,
      binding: { type: "kv", name: "CACHE", namespace: "cache" },
      op: "put",
      args: { key: "k", value: new Uint8Array(size) },
    });
    await expect(host(kvCall(6))).rejects.toMatchObject({ code: "QUOTA_EXCEEDED" });
    await host(kvCall(5));
    expect(await h.storage.usage.storedBytes("acme")).toBe(50);
  });
});

describe("allowCodeGeneration", () => {
  it("is set on the tenant's version specs, and a change evicts their isolates", async () => {
    await h.deploy("hello");
    const before = h.gateway.routes.get("acme", "hello");
    expect(before?.allowCodeGeneration).toBe(true);
    await setQuotas("acme", { allowCodeGeneration: false });
    expect(h.gateway.routes.get("acme", "hello")).toMatchObject({
      id: before?.id,
      allowCodeGeneration: false,
    });
    expect(h.runtime.evicted).toEqual([before?.id]);
    // The next request runs under the new policy.
    expect((await h.call("GET", "/fn/acme/hello/")).status).toBe(200);
    expect(h.runtime.invocations.at(-1)?.version.allowCodeGeneration).toBe(false);
    // Other quota changes leave warm isolates alone, and new deploys follow the policy.
    await setQuotas("acme", { maxFunctions: 50 });
    expect(h.runtime.evicted).toHaveLength(1);
    await h.deploy("second");
    expect(h.gateway.routes.get("acme", "second")?.allowCodeGeneration).toBe(false);
  });
});
