import { DEFAULT_QUOTAS, type SkiffError } from "@skiff/core";
import { describe, expect, it } from "vitest";
import { TenantLimiter } from "./tenant-limiter.js";

function refusal(work: () => unknown): SkiffError {
  try {
    work();
  } catch (error) {
    return error as SkiffError;
  }
  throw new Error("expected a refusal");
}

describe("TenantLimiter", () => {
  const clock = () => {
    const state = { now: 1_000_000 };
    return { state, now: () => state.now };
  };

  it("gives tenants DEFAULT_QUOTAS until told otherwise, and copies what it is given", () => {
    const quotas = { ...DEFAULT_QUOTAS, maxFunctions: 3 };
    const limiter = new TenantLimiter({ quotas: [["acme", quotas]] });
    quotas.maxFunctions = 99;
    expect(limiter.quotas("acme").maxFunctions).toBe(3);
    expect(limiter.quotas("other")).toEqual(DEFAULT_QUOTAS);
    limiter.setQuotas("other", { ...DEFAULT_QUOTAS, requestsPerSecond: 1 });
    expect(limiter.quotas("other").requestsPerSecond).toBe(1);
  });

  it("admits one invocation alone up to the whole memory quota, given it (a direct-plane worker's share)", () => {
    const limiter = new TenantLimiter({
      quotas: [["acme", { ...DEFAULT_QUOTAS, maxIsolateMemoryMb: 64 }]],
      wholeMemoryMb: () => 128,
    });
    const release = limiter.startInvocation("acme", 128);
    expect(() => limiter.startInvocation("acme", 16)).toThrow(/maxIsolateMemoryMb/);
    release();
    expect(() => limiter.startInvocation("acme", 256)).toThrow(/maxIsolateMemoryMb/);
    limiter.startInvocation("acme", 32)();
    // Without it, the quota it holds is the whole one.
    const plain = new TenantLimiter({ quotas: [["acme", { ...DEFAULT_QUOTAS, maxIsolateMemoryMb: 64 }]] });
    expect(() => plain.startInvocation("acme", 128)).toThrow(/maxIsolateMemoryMb/);
  });

  it("tells its listeners each quota change, with a copy of the new quotas", () => {
    const limiter = new TenantLimiter();
    const seen: Array<[string, number | null]> = [];
    limiter.onChange((tenant, quotas) => {
      seen.push([tenant, quotas.requestsPerSecond]);
      quotas.requestsPerSecond = 999;
    });
    limiter.setQuotas("acme", { ...DEFAULT_QUOTAS, requestsPerSecond: 5 });
    limiter.setQuotas("beta", DEFAULT_QUOTAS);
    expect(seen).toEqual([
      ["acme", 5],
      ["beta", null],
    ]);
    expect(limiter.quotas("acme").requestsPerSecond).toBe(5);
  });

  it("holds each tenant to its own request rate, with Retry-After seconds in the refusal", () => {
    const { state, now } = clock();
    const limiter = new TenantLimiter({
      now,
      quotas: [["acme", { ...DEFAULT_QUOTAS, requestsPerSecond: 2, burst: 3 }]],
    });
    for (let i = 0; i < 3; i++) limiter.admitRequest("acme");
    const error = refusal(() => limiter.admitRequest("acme"));
    expect(error).toMatchObject({
      code: "RATE_LIMITED",
      status: 429,
      details: { quota: "requestsPerSecond", retryAfterSeconds: 1 },
    });
    expect(error.message).toContain("requestsPerSecond");
    // Another tenant, without a rate quota, is not held back at all.
    for (let i = 0; i < 1000; i++) limiter.admitRequest("other");
    state.now += 500;
    limiter.admitRequest("acme");
    expect(() => limiter.admitRequest("acme")).toThrow(/requestsPerSecond/);
  });

  it("starts a fresh bucket when the operator changes the rate, and none when the rate is removed", () => {
    const { now } = clock();
    const limiter = new TenantLimiter({ now });
    limiter.setQuotas("acme", { ...DEFAULT_QUOTAS, requestsPerSecond: 1 });
    limiter.admitRequest("acme");
    expect(() => limiter.admitRequest("acme")).toThrow(/RATE_LIMITED|requestsPerSecond/);
    limiter.setQuotas("acme", { ...DEFAULT_QUOTAS, requestsPerSecond: 1, burst: 5 });
    for (let i = 0; i < 5; i++) limiter.admitRequest("acme");
    expect(() => limiter.admitRequest("acme")).toThrow();
    limiter.setQuotas("acme", { ...DEFAULT_QUOTAS, requestsPerSecond: null });
    for (let i = 0; i < 100; i++) limiter.admitRequest("acme");
  });

  it("counts async events over a sliding minute and refuses past asyncEventsPerMinute", () => {
    const { state, now } = clock();
    const limiter = new TenantLimiter({
      now,
      quotas: [["acme", { ...DEFAULT_QUOTAS, asyncEventsPerMinute: 2 }]],
    });
    limiter.admitAsyncEvents("acme");
    state.now += 30_000;
    limiter.admitAsyncEvents("acme");
    expect(refusal(() => limiter.admitAsyncEvents("acme"))).toMatchObject({
      code: "RATE_LIMITED",
      details: { quota: "asyncEventsPerMinute", retryAfterSeconds: 30 },
    });
    expect(limiter.usage("acme").asyncEventsLastMinute).toBe(2);
    // Counted for usage even without a quota.
    limiter.admitAsyncEvents("other", 7);
    expect(limiter.usage("other").asyncEventsLastMinute).toBe(7);
    state.now += 30_000;
    limiter.admitAsyncEvents("acme");
    expect(limiter.usage("acme").asyncEventsLastMinute).toBe(2);
  });

  it("holds invocations and their memory in flight per tenant, naming the quota it refuses for", () => {
    const limiter = new TenantLimiter({
      quotas: [
        ["acme", { ...DEFAULT_QUOTAS, maxConcurrentInvocations: 2 }],
        ["big", { ...DEFAULT_QUOTAS, maxIsolateMemoryMb: 256 }],
      ],
    });
    const first = limiter.startInvocation("acme", 128);
    const second = limiter.startInvocation("acme", 128);
    expect(limiter.usage("acme")).toEqual({
      concurrentInvocations: 2,
      isolateMemoryMb: 256,
      asyncEventsLastMinute: 0,
    });
    const tooMany = refusal(() => limiter.startInvocation("acme", 128));
    expect(tooMany).toMatchObject({
      code: "TOO_MANY_REQUESTS",
      details: { quota: "maxConcurrentInvocations" },
    });
    expect(tooMany.message).toContain("maxConcurrentInvocations");
    first();
    first();
    expect(limiter.usage("acme").concurrentInvocations).toBe(1);
    limiter.startInvocation("acme", 128);
    second();

    const small = limiter.startInvocation("big", 128);
    limiter.startInvocation("big", 64);
    const memory = refusal(() => limiter.startInvocation("big", 128));
    expect(memory).toMatchObject({ code: "TOO_MANY_REQUESTS", details: { quota: "maxIsolateMemoryMb" } });
    expect(memory.message).toContain("maxIsolateMemoryMb");
    limiter.startInvocation("big", 64);
    small();
    expect(limiter.usage("big")).toMatchObject({ concurrentInvocations: 2, isolateMemoryMb: 128 });
  });
});
