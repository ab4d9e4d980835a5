// Per-tenant quotas set by the operator (issue 7): what one tenant may use of a shared platform.

/** `null` means unlimited. */
export interface TenantQuotas {
  /** Functions the tenant may have. */
  maxFunctions: number | null;
  /** Sum of `memoryMb` over the tenant's invocations running at one time (each holds a live isolate). */
  maxIsolateMemoryMb: number | null;
  /** Invocations of the tenant's functions running at one time, over every trigger. */
  maxConcurrentInvocations: number | null;
  /** Token-bucket refill rate for HTTP requests to the tenant's functions; over it: 429 `RATE_LIMITED`. */
  requestsPerSecond: number | null;
  /** Token-bucket size; default `requestsPerSecond` (one second of burst). */
  burst: number | null;
  /** Bytes in the tenant's buckets and KV namespaces. */
  maxStoredBytes: number | null;
  /** Async events the tenant may enqueue per minute (async invoke, queue sends); over it: 429 `RATE_LIMITED`. */
  asyncEventsPerMinute: number | null;
  /** Whether tenant code may compile strings (`eval`, `new Function`); allowed by default, as on Lambda. */
  allowCodeGeneration: boolean;
}

/** What a new tenant gets until the operator says otherwise. */
export const DEFAULT_QUOTAS: TenantQuotas = {
  maxFunctions: 1000,
  maxIsolateMemoryMb: null,
  maxConcurrentInvocations: 1000,
  requestsPerSecond: null,
  burst: null,
  maxStoredBytes: null,
  asyncEventsPerMinute: null,
  allowCodeGeneration: true,
};

/** What a tenant uses now, shown next to its quotas. */
export interface TenantUsage {
  functions: number;
  /** Sum of `memoryMb` of the tenant's invocations running now. */
  isolateMemoryMb: number;
  concurrentInvocations: number;
  storedBytes: number;
  /** Async events enqueued in the last 60 seconds. */
  asyncEventsLastMinute: number;
}
