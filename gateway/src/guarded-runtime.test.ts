import { DEFAULT_QUOTAS, resolveFunctionConfig, SkiffError } from "@skiff/core";
import type { VersionSpec } from "@skiff/runtime";
import { describe, expect, it } from "vitest";
import { guardRuntime } from "./guarded-runtime.js";
import { TenantLimiter } from "./quotas/tenant-limiter.js";
import { FakeRuntime } from "./testing/fake-runtime.js";

const spec = (tenant: string, memoryMb = 128): VersionSpec => ({
  id: `${tenant}-v1`,
  tenant,
  functionName: "fn",
  number: 1,
  codeHash: "0".repeat(64),
  config: { ...resolveFunctionConfig(), memoryMb },
});

describe("guardRuntime", () => {
  it("refuses a tenant's invocation past its concurrency quota until one ends, leaving others alone", async () => {
    const inner = new FakeRuntime();
    const gates: Array<() => void> = [];
    inner.handler = () => new Promise((resolve) => gates.push(() => resolve({})));
    const limiter = new TenantLimiter({
      quotas: [["acme", { ...DEFAULT_QUOTAS, maxConcurrentInvocations: 1 }]],
    });
    const runtime = guardRuntime(inner, limiter);
    const first = runtime.invoke(spec("acme"), { kind: "invoke", payload: 1 });
    await expect(runtime.invoke(spec("acme"), { kind: "invoke", payload: 2 })).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      message: expect.stringContaining("maxConcurrentInvocations"),
    });
    // The refused one never reached the runtime; another tenant's runs.
    const other = runtime.invoke(spec("other"), { kind: "invoke", payload: 3 });
    expect(inner.invocations.map((i) => i.event)).toEqual([
      { kind: "invoke", payload: 1 },
      { kind: "invoke", payload: 3 },
    ]);
    expect(limiter.usage("acme")).toMatchObject({ concurrentInvocations: 1, isolateMemoryMb: 128 });
    for (const open of gates.splice(0)) open();
    await Promise.all([first, other]);
    expect(limiter.usage("acme")).toMatchObject({ concurrentInvocations: 0, isolateMemoryMb: 0 });
    inner.handler = () => ({});
    await runtime.invoke(spec("acme"), { kind: "invoke", payload: 4 });
  });

  it("counts each invocation's memory against maxIsolateMemoryMb and gives it back when the runtime throws", async () => {
    const inner = new FakeRuntime();
    inner.handler = () => {
      throw new SkiffError("SHUTTING_DOWN", "closing");
    };
    const limiter = new TenantLimiter({ quotas: [["acme", { ...DEFAULT_QUOTAS, maxIsolateMemoryMb: 200 }]] });
    const runtime = guardRuntime(inner, limiter);
    await expect(runtime.invoke(spec("acme", 256), { kind: "invoke", payload: 1 })).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      message: expect.stringContaining("maxIsolateMemoryMb"),
    });
    await expect(runtime.invoke(spec("acme", 128), { kind: "invoke", payload: 1 })).rejects.toMatchObject({
      code: "SHUTTING_DOWN",
    });
    expect(limiter.usage("acme")).toMatchObject({ concurrentInvocations: 0, isolateMemoryMb: 0 });
  });

  it("passes everything else through, and guards a runtime once per limiter", async () => {
    const inner = new FakeRuntime();
    const limiter = new TenantLimiter();
    const runtime = guardRuntime(inner, limiter);
    expect(guardRuntime(runtime, limiter)).toBe(runtime);
    expect(guardRuntime(runtime, new TenantLimiter())).not.toBe(runtime);
    runtime.evict("v1");
    expect(inner.evicted).toEqual(["v1"]);
    const info = { tenant: "acme", functionName: "fn", versionId: "v1", since: 1, crashes: 3, reason: "r" };
    runtime.quarantine(info);
    expect(runtime.quarantined()).toEqual([info]);
    runtime.liftQuarantine("acme", "fn");
    expect(inner.quarantined()).toEqual([]);
    expect(await runtime.check({ main: "index.js", modules: [] } as never)).toEqual({ ok: true });
    await runtime.close();
    expect(inner.closed).toBe(true);
  });
});
