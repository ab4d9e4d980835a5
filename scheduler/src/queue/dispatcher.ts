// Delivers async events (DESIGN §6): leases due events, invokes their function, deletes them on success;
// retries failures with backoff and jitter up to the function's `async.maxAttempts` and `maxEventAgeSeconds`,
// then moves them to the dead letters. Leases expire, so a crashed process's events are delivered again.
import {
  type InvocationRecord,
  type InvocationResult,
  isSkiffError,
  newId,
  type TriggerKind,
  toInvocationRecord,
} from "@skiff/core";
import type { Runtime, VersionSpec } from "@skiff/runtime";
import type { EventKind, EventQueue, LeasedEvent } from "@skiff/storage";
import type { Clock, TimerHandle } from "../clock.js";
import { backoffMs } from "./backoff.js";
import { decodeEvent } from "./event-payload.js";

/** Hooks for producers that keep their own history (cron runs record each retry of a run). */
export interface DeliveryHooks {
  before?(event: LeasedEvent, version: VersionSpec, invocationId: string): Promise<void>;
  after?(event: LeasedEvent, result: InvocationResult): Promise<void>;
}

export interface DispatcherOptions {
  queue: EventQueue;
  runtime: Runtime;
  /** The active version of a function (the in-memory routing table), undefined once it is gone. */
  resolve: (tenant: string, functionName: string) => VersionSpec | undefined;
  clock: Clock;
  /** Names this process in leases. */
  owner: string;
  /** How long a lease lasts before another process may deliver the event; renewed while delivering. */
  leaseMs?: number;
  maxInFlight?: number;
  /** Longest sleep between two looks at the queue. */
  pollMs?: number;
  random?: () => number;
  hooks?: Partial<Record<EventKind, DeliveryHooks>>;
  onInvocation?: (record: InvocationRecord) => void;
  onError?: (error: unknown) => void;
}

const TRIGGERS: Record<EventKind, TriggerKind> = {
  invoke: "invoke",
  scheduled: "cron",
  storage: "storage",
  webhook: "webhook",
  queue: "queue",
};

/** Platform refusals that say nothing about the event: put it back without counting the attempt. */
const TRANSIENT = new Set(["TOO_MANY_REQUESTS", "SHUTTING_DOWN", "RUNTIME_CRASHED"]);
/** Wait before trying again after a platform refusal (the runtime at its limit, shutting down). */
const DEFER_MS = 1000;
/** Wait before trying again when this process already runs the function at its concurrency limit. */
const BUSY_DEFER_MS = 100;

export class EventDispatcher {
  readonly #o: Required<Omit<DispatcherOptions, "hooks" | "onInvocation" | "onError">> & DispatcherOptions;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #perFunction = new Map<string, number>();
  #timer: TimerHandle | undefined;
  #ticking = false;
  #again = false;
  #stopped = true;

  constructor(options: DispatcherOptions) {
    this.#o = { leaseMs: 30_000, maxInFlight: 32, pollMs: 500, random: Math.random, ...options };
  }

  start(): void {
    this.#stopped = false;
    this.notify();
  }

  /** Something was enqueued: look at the queue now rather than at the next poll. */
  notify(): void {
    if (this.#stopped) return;
    this.#schedule(0);
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /**
   * Stops leasing, waits up to `graceMs` for deliveries in flight, then releases this process's leases so that
   * another process (or the next start) delivers them at once.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.#stopped = true;
    this.#timer?.cancel();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.#inFlight]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
    await this.#o.queue.releaseAll(this.#o.owner);
  }

  #schedule(ms: number): void {
    this.#timer?.cancel();
    this.#timer = this.#o.clock.setTimer(() => void this.#tick(), ms);
  }

  async #tick(): Promise<void> {
    if (this.#stopped) return;
    if (this.#ticking) {
      this.#again = true;
      return;
    }
    this.#ticking = true;
    try {
      const room = this.#o.maxInFlight - this.#inFlight.size;
      let leased: LeasedEvent[] = [];
      if (room > 0) {
        const now = this.#o.clock.now();
        leased = await this.#o.queue.lease(now, room, this.#o.owner, this.#o.leaseMs);
        for (const event of leased) this.#track(this.#deliver(event));
      }
      if (this.#stopped) return;
      if (this.#again || (room > 0 && leased.length === room)) {
        this.#schedule(0);
      } else if (room > 0) {
        const now = this.#o.clock.now();
        const due = await this.#o.queue.nextDue(now);
        this.#schedule(due === undefined ? this.#o.pollMs : Math.min(Math.max(0, due - now), this.#o.pollMs));
      }
      // With no room, the next finished delivery schedules a tick.
    } catch (error) {
      this.#o.onError?.(error);
      if (!this.#stopped) this.#schedule(this.#o.pollMs);
    } finally {
      this.#again = false;
      this.#ticking = false;
    }
  }

  #track(delivery: Promise<void>): void {
    const tracked = delivery
      .catch((error) => this.#o.onError?.(error))
      .finally(() => {
        this.#inFlight.delete(tracked);
        if (!this.#stopped) this.#schedule(0);
      });
    this.#inFlight.add(tracked);
  }

  async #deliver(event: LeasedEvent): Promise<void> {
    const { queue, owner, clock } = this.#o;
    const version = this.#o.resolve(event.tenant, event.functionName);
    if (version === undefined) {
      await queue.deadLetter(
        event.id,
        owner,
        "functionDeleted",
        "the function no longer exists",
        clock.now(),
      );
      return;
    }
    const key = `${event.tenant}/${event.functionName}`;
    const running = this.#perFunction.get(key) ?? 0;
    if (running >= version.config.concurrency) {
      await queue.defer(event.id, owner, clock.now() + this.#jitter(BUSY_DEFER_MS));
      return;
    }
    this.#perFunction.set(key, running + 1);
    // A delivery may outlast the lease (a 15-minute function); keep the lease alive while it runs, so only a
    // process that died lets another one deliver the event again.
    let renewal: TimerHandle | undefined;
    const renew = () => {
      renewal = clock.setTimer(() => {
        queue
          .extendLease(event.id, owner, clock.now() + this.#o.leaseMs)
          .catch((error) => this.#o.onError?.(error));
        renew();
      }, this.#o.leaseMs / 3);
    };
    renew();
    try {
      await this.#invoke(event, version);
    } finally {
      renewal?.cancel();
      const left = (this.#perFunction.get(key) ?? 1) - 1;
      if (left === 0) this.#perFunction.delete(key);
      else this.#perFunction.set(key, left);
    }
  }

  async #invoke(event: LeasedEvent, version: VersionSpec): Promise<void> {
    const { queue, owner, clock, runtime } = this.#o;
    const hooks = this.#o.hooks?.[event.kind];
    const invocationId = newId();
    const startedAt = clock.now();
    await hooks?.before?.(event, version, invocationId);
    let result: InvocationResult;
    try {
      result = await runtime.invoke(version, decodeEvent(event.payload), {
        invocationId,
        // The same on every retry; a producer's idempotency key wins (DESIGN §6).
        eventId: event.idempotencyKey ?? event.id,
      });
    } catch (error) {
      if (isSkiffError(error) && TRANSIENT.has(error.code)) {
        await queue.defer(event.id, owner, clock.now() + this.#jitter(DEFER_MS));
        return;
      }
      throw error;
    }
    this.#o.onInvocation?.(
      toInvocationRecord(
        {
          tenant: version.tenant,
          functionName: version.functionName,
          version: version.number,
          trigger: TRIGGERS[event.kind],
          startedAt,
        },
        result,
      ),
    );
    await hooks?.after?.(event, result);
    const now = clock.now();
    const failed = result.outcome !== "ok" || (result.queue?.retry.length ?? 0) > 0;
    if (!failed || result.noRetry === true) {
      await queue.complete(event.id, owner);
      return;
    }
    const error = result.error === undefined ? result.outcome : `${result.outcome}: ${result.error.message}`;
    const { maxAttempts, maxEventAgeSeconds, minBackoffMs } = version.config.async;
    if (event.attempts >= maxAttempts) {
      await queue.deadLetter(event.id, owner, "maxAttempts", error, now);
      return;
    }
    const next = now + backoffMs(event.attempts, minBackoffMs, this.#o.random);
    if (next - event.createdAt > maxEventAgeSeconds * 1000) {
      await queue.deadLetter(event.id, owner, "maxEventAge", error, now);
      return;
    }
    await queue.retry(event.id, owner, next, error);
  }

  #jitter(ms: number): number {
    return Math.round(ms * (0.5 + this.#o.random() / 2));
  }
}
