// A Runtime that enforces each tenant's concurrency and isolate-memory quotas on every invocation, whatever
// triggered it (data plane, invoke route, webhooks, the scheduler's cron and queue deliveries).
import type { InvocationEvent, InvocationResult } from "@skiff/core";
import type { InvokeOptions, Runtime, VersionSpec } from "@skiff/runtime";
import type { TenantLimiter } from "./quotas/tenant-limiter.js";

/** Guarded runtimes and their limiter, so that guarding one twice with the same limiter counts once. */
const guarded = new WeakMap<Runtime, TenantLimiter>();

/**
 * Wraps `runtime` so that `invoke` first takes a place in the tenant's quotas (`TOO_MANY_REQUESTS` when none is
 * left, before any work starts) and gives it back when the invocation has ended, streamed body and `waitUntil`
 * included. Everything else passes through.
 *
 * @example
 * const runtime = guardRuntime(new Supervisor(options), limiter);
 * new Scheduler({ runtime, … }); await createGateway({ runtime, limiter, … });
 */
export function guardRuntime(runtime: Runtime, limiter: TenantLimiter): Runtime {
  if (guarded.get(runtime) === limiter) return runtime;
  const guard: Runtime = {
    async invoke(
      version: VersionSpec,
      event: InvocationEvent,
      options?: InvokeOptions,
    ): Promise<InvocationResult> {
      const release = limiter.startInvocation(version.tenant, version.config.memoryMb);
      try {
        return await runtime.invoke(version, event, options);
      } finally {
        release();
      }
    },
    check: (bundle) => runtime.check(bundle),
    evict: (versionId) => runtime.evict(versionId),
    quarantined: () => runtime.quarantined(),
    quarantine: (info) => runtime.quarantine(info),
    liftQuarantine: (tenant, functionName) => runtime.liftQuarantine(tenant, functionName),
    close: () => runtime.close(),
  };
  guarded.set(guard, limiter);
  return guard;
}
