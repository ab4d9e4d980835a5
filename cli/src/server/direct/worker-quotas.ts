// One worker's share of a tenant's quotas: the direct data plane's workers each admit requests on their own, so
// together they allow what the operator set, rounded up (a positive quota never shares down to nothing; 0 stays 0).
import type { TenantQuotas } from "@skiff/core";

/**
 * @example
 * workerShare({ ...quotas, requestsPerSecond: 10, maxConcurrentInvocations: 5 }, 4)
 * // → requestsPerSecond 3, maxConcurrentInvocations 2; null (no limit) stays null
 */
export function workerShare(quotas: TenantQuotas, workers: number): TenantQuotas {
  const n = Math.max(1, Math.floor(workers));
  const share = (value: number | null) => (value === null ? null : Math.ceil(value / n));
  return {
    ...quotas,
    requestsPerSecond: share(quotas.requestsPerSecond),
    burst: share(quotas.burst),
    maxConcurrentInvocations: share(quotas.maxConcurrentInvocations),
    maxIsolateMemoryMb: share(quotas.maxIsolateMemoryMb),
  };
}
