// The per-tenant limits enforced in memory (no SQLite on the hot path): request rate, invocations and isolate
// memory in flight, and async events per minute, each against the quotas the operator set (DEFAULT_QUOTAS else).
import { DEFAULT_QUOTAS, SkiffError, type TenantQuotas, type TenantUsage } from "@skiff/core";
import { EventWindow } from "./event-window.js";
import { TokenBucket } from "./token-bucket.js";

/** The part of a tenant's usage that lives in memory, next to its quotas. */
export type LiveUsage = Pick<
  TenantUsage,
  "concurrentInvocations" | "isolateMemoryMb" | "asyncEventsLastMinute"
>;

export interface TenantLimiterOptions {
  /** Quotas of the tenants the operator set some for (`storage.tenantQuotas.all()`); others get DEFAULT_QUOTAS. */
  quotas?: Iterable<[string, TenantQuotas]>;
  /** Epoch ms; injected so tests control time. */
  now?: () => number;
  /**
   * A direct-plane worker's limiter, which holds its share of each quota: the tenant's whole maxIsolateMemoryMb.
   * With none of the tenant's invocations running here, one that fits the whole quota is admitted past the share
   * (a share smaller than one invocation would refuse what the main port runs).
   */
  wholeMemoryMb?: (tenant: string) => number | null;
}

/** Told about every quota change the operator makes (`setQuotas`), with the tenant's new quotas. */
export type QuotaListener = (tenant: string, quotas: TenantQuotas) => void;

interface InFlight {
  invocations: number;
  memoryMb: number;
}

/**
 * Admits or refuses work per tenant. Refusals are `SkiffError`s: `RATE_LIMITED` (429) with
 * `details.retryAfterSeconds` (the error handler turns it into `Retry-After`), or `TOO_MANY_REQUESTS` (429)
 * naming the concurrency or memory quota.
 *
 * @example
 * const limiter = new TenantLimiter({ quotas: await storage.tenantQuotas.all() });
 * limiter.admitRequest("acme"); // throws RATE_LIMITED past requestsPerSecond
 * const release = limiter.startInvocation("acme", 128);
 * try { await run() } finally { release() }
 */
export class TenantLimiter {
  readonly #quotas = new Map<string, TenantQuotas>();
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #windows = new Map<string, EventWindow>();
  readonly #inFlight = new Map<string, InFlight>();
  readonly #now: () => number;
  readonly #listeners: QuotaListener[] = [];
  readonly #wholeMemoryMb: ((tenant: string) => number | null) | undefined;

  constructor(options: TenantLimiterOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#wholeMemoryMb = options.wholeMemoryMb;
    for (const [tenant, quotas] of options.quotas ?? []) this.#quotas.set(tenant, { ...quotas });
  }

  /** The tenant's quotas as enforced now. */
  quotas(tenant: string): TenantQuotas {
    return { ...(this.#quotas.get(tenant) ?? DEFAULT_QUOTAS) };
  }

  /** Takes the operator's new quotas for the tenant; a changed rate or burst starts a fresh, full bucket. */
  setQuotas(tenant: string, quotas: TenantQuotas): void {
    const previous = this.#quotas.get(tenant) ?? DEFAULT_QUOTAS;
    this.#quotas.set(tenant, { ...quotas });
    if (previous.requestsPerSecond !== quotas.requestsPerSecond || previous.burst !== quotas.burst) {
      this.#buckets.delete(tenant);
    }
    for (const listener of this.#listeners) listener(tenant, { ...quotas });
  }

  /** Calls `listener` after each `setQuotas` (the direct data plane's workers enforce their share of them). */
  onChange(listener: QuotaListener): void {
    this.#listeners.push(listener);
  }

  /** One HTTP request to one of the tenant's functions. Throws `RATE_LIMITED` past `requestsPerSecond`. */
  admitRequest(tenant: string): void {
    const { requestsPerSecond, burst } = this.#quotas.get(tenant) ?? DEFAULT_QUOTAS;
    if (requestsPerSecond === null) return;
    const now = this.#now();
    let bucket = this.#buckets.get(tenant);
    if (bucket === undefined) {
      bucket = new TokenBucket(requestsPerSecond, burst ?? requestsPerSecond, now);
      this.#buckets.set(tenant, bucket);
    }
    const retryAfterSeconds = bucket.take(now);
    if (retryAfterSeconds > 0) {
      throw rateLimited(
        `tenant "${tenant}" is over its quota requestsPerSecond (${requestsPerSecond}/s, burst ${bucket.capacity}): retry after ${retryAfterSeconds} s`,
        "requestsPerSecond",
        retryAfterSeconds,
      );
    }
  }

  /** `events` async events about to be enqueued. Throws `RATE_LIMITED` past `asyncEventsPerMinute`. */
  admitAsyncEvents(tenant: string, events = 1): void {
    const limit = (this.#quotas.get(tenant) ?? DEFAULT_QUOTAS).asyncEventsPerMinute;
    const window = this.#window(tenant);
    if (limit === null) {
      // Still counted, so usage shows the rate even without a quota.
      window.admit(this.#now(), events, Number.POSITIVE_INFINITY);
      return;
    }
    const retryAfterSeconds = window.admit(this.#now(), events, limit);
    if (retryAfterSeconds > 0) {
      throw rateLimited(
        `tenant "${tenant}" is over its quota asyncEventsPerMinute (${limit} per minute): retry after ${retryAfterSeconds} s`,
        "asyncEventsPerMinute",
        retryAfterSeconds,
      );
    }
  }

  /**
   * Holds one invocation of `memoryMb` for the tenant until the returned function is called (once is enough;
   * more calls do nothing). Throws `TOO_MANY_REQUESTS` past `maxConcurrentInvocations` or `maxIsolateMemoryMb`.
   */
  startInvocation(tenant: string, memoryMb: number): () => void {
    const quotas = this.#quotas.get(tenant) ?? DEFAULT_QUOTAS;
    // One entry per tenant, updated in place: a Map set and delete per invocation showed in the warm profile.
    let current = this.#inFlight.get(tenant);
    if (current === undefined) {
      current = { invocations: 0, memoryMb: 0 };
      this.#inFlight.set(tenant, current);
    }
    const maxInvocations = quotas.maxConcurrentInvocations;
    if (maxInvocations !== null && current.invocations + 1 > maxInvocations) {
      throw new SkiffError(
        "TOO_MANY_REQUESTS",
        `tenant "${tenant}" has ${current.invocations} invocations running and its quota maxConcurrentInvocations is ${maxInvocations}`,
        { details: { quota: "maxConcurrentInvocations", limit: maxInvocations } },
      );
    }
    const maxMemory = quotas.maxIsolateMemoryMb;
    if (
      maxMemory !== null &&
      current.memoryMb + memoryMb > maxMemory &&
      !(current.invocations === 0 && this.#fitsWholeQuota(tenant, memoryMb))
    ) {
      throw new SkiffError(
        "TOO_MANY_REQUESTS",
        `tenant "${tenant}" has ${current.memoryMb} MB of isolates running; ${memoryMb} MB more would pass its quota maxIsolateMemoryMb of ${maxMemory} MB`,
        { details: { quota: "maxIsolateMemoryMb", limit: maxMemory } },
      );
    }
    current.invocations += 1;
    current.memoryMb += memoryMb;
    const held = current;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      held.invocations -= 1;
      held.memoryMb -= memoryMb;
    };
  }

  /** Whether one invocation of `memoryMb` fits the tenant's whole memory quota (`wholeMemoryMb`), if given. */
  #fitsWholeQuota(tenant: string, memoryMb: number): boolean {
    if (this.#wholeMemoryMb === undefined) return false;
    const whole = this.#wholeMemoryMb(tenant);
    return whole === null || memoryMb <= whole;
  }

  /** What the tenant uses now of the limits kept in memory. */
  usage(tenant: string): LiveUsage {
    const held = this.#inFlight.get(tenant);
    return {
      concurrentInvocations: held?.invocations ?? 0,
      isolateMemoryMb: held?.memoryMb ?? 0,
      asyncEventsLastMinute: this.#windows.get(tenant)?.count(this.#now()) ?? 0,
    };
  }

  #window(tenant: string): EventWindow {
    let window = this.#windows.get(tenant);
    if (window === undefined) {
      window = new EventWindow();
      this.#windows.set(tenant, window);
    }
    return window;
  }
}

function rateLimited(message: string, quota: string, retryAfterSeconds: number): SkiffError {
  return new SkiffError("RATE_LIMITED", message, { details: { quota, retryAfterSeconds } });
}
