import { DEFAULT_QUOTAS } from "@skiff/core";
import { describe, expect, it } from "vitest";
import { workerShare } from "./worker-quotas.js";

describe("workerShare", () => {
  it("divides rate, burst, concurrency and memory among the workers, rounding up", () => {
    const quotas = {
      ...DEFAULT_QUOTAS,
      requestsPerSecond: 10,
      burst: 7,
      maxConcurrentInvocations: 5,
      maxIsolateMemoryMb: 1000,
      maxFunctions: 12,
    };
    expect(workerShare(quotas, 4)).toEqual({
      ...quotas,
      requestsPerSecond: 3,
      burst: 2,
      maxConcurrentInvocations: 2,
      maxIsolateMemoryMb: 250,
      maxFunctions: 12,
    });
  });

  it("keeps no limit as no limit, a zero quota at zero, and a small one at one", () => {
    const share = workerShare(
      { ...DEFAULT_QUOTAS, requestsPerSecond: 1, burst: null, maxConcurrentInvocations: 0 },
      8,
    );
    expect(share).toMatchObject({ requestsPerSecond: 1, burst: null, maxConcurrentInvocations: 0 });
    expect(share.maxIsolateMemoryMb).toBeNull();
  });

  it("gives one worker the whole quota", () => {
    const quotas = { ...DEFAULT_QUOTAS, requestsPerSecond: 9 };
    expect(workerShare(quotas, 1)).toEqual(quotas);
  });
});
