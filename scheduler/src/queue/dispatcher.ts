// Delivers async events (DESIGN §6): leases due events, invokes their function, deletes them on success;
// retries failures with backoff and jitter up to the function's `async.maxAttempts` and `maxEventAgeSeconds`,
// then moves them to the dead letters. Leases expire, so a crashed process's events are delivered again.
// A function is looked at again once fewer of its events are held than it runs at once (its concurrency), and a
// lease then takes up to twice that: the extra wait here for a slot, so that a busy function costs one lease
// transaction per batch of events instead of one per finished delivery. The rest stay in the queue, due, and
// untouched (no write puts them back).
import {
  type InvocationEvent,
  type InvocationRecord,
  type InvocationResult,
  isSkiffError,
  newId,
  type TriggerKind,
  toInvocationRecord,
} from "@skiff/core";
import type { Runtime, VersionSpec } from "@skiff/runtime";
import type { EventKind, EventQueue, LeaseCandidate, LeasedEvent } from "@skiff/storage";
import type { Clock, TimerHandle } from "../clock.js";
import { backoffMs } from "./backoff.js";
import { decodeEvent } from "./event-payload.js";

/** Hooks for producers that keep their own history (cron runs record each retry of a run). */
export interface DeliveryHooks {
  before?(event: LeasedEvent, version: VersionSpec, invocationId: string): Promise<void>;
  after?(event: LeasedEvent, result: InvocationResult): Promise<void>;
  /** What became of each event of a delivery: delivered, to be tried again, or dead-lettered. */
  settled?(
    event: LeasedEvent,
    state: "completed" | "retrying" | "dead",
    result: InvocationResult,
  ): Promise<void>;
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
/** How many events of functions without room a lease looks past before it stops (it goes on at the next tick). */
const MAX_REFUSED = 16;
/** How often a filling batch of storage notifications is looked at again. */
const BATCH_POLL_MS = 100;
/**
 * Most async events this process holds leased at once, over every function (`maxInFlight`, SKIFF_ASYNC_IN_FLIGHT).
 * Each function's concurrency and each tenant's quotas still bound their own share; this bounds the platform's
 * total. At 32 it, not the functions' concurrency, set the delivery rate (32 round trips of ≈ 20 ms at a time).
 */
export const DEFAULT_MAX_IN_FLIGHT = 128;
/** A function holds up to this many times its concurrency: what runs, and the next batch waiting for slots. */
const LEASE_AHEAD = 2;

/**
 * One function's share of this process: the events it holds leased and the deliveries running. `held` never
 * passes LEASE_AHEAD times what its concurrency lets run, so a lease leaves the rest of its backlog in the queue.
 */
interface FunctionShare {
  tenant: string;
  functionName: string;
  held: number;
  /** Notifications per delivery, as last leased (a storage batch runs many events in one invocation). */
  batchSize: number;
  running: number;
  /** Deliveries waiting for a running one to finish (a redeploy lowered the concurrency, or batches). */
  waiting: Array<() => void>;
}

export class EventDispatcher {
  readonly #o: Required<Omit<DispatcherOptions, "hooks" | "onInvocation" | "onError">> & DispatcherOptions;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #shares = new Map<string, FunctionShare>();
  /** Events leased and not yet settled, over every function: at most `maxInFlight`. */
  #held = 0;
  #timer: TimerHandle | undefined;
  /** The last look ran out of room (`maxInFlight`): every finished delivery looks again, not only low ones. */
  #starved = false;
  #ticking = false;
  #again = false;
  #stopped = true;

  constructor(options: DispatcherOptions) {
    this.#o = {
      leaseMs: 30_000,
      maxInFlight: DEFAULT_MAX_IN_FLIGHT,
      pollMs: 500,
      random: Math.random,
      ...options,
    };
  }

  start(): void {
    this.#stopped = false;
    this.notify();
  }

  /**
   * Something was enqueued: look at the queue now rather than at the next poll. Naming the function lets a
   * busy one skip the look: its next finished delivery looks anyway.
   */
  notify(tenant?: string, functionName?: string): void {
    if (this.#stopped) return;
    if (tenant !== undefined && functionName !== undefined) {
      const share = this.#shares.get(shareKey(tenant, functionName));
      if (share !== undefined && this.#isFull(share)) return;
    }
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
      const room = this.#o.maxInFlight - this.#held;
      // With no room, the next finished delivery schedules a tick.
      this.#starved = room <= 0;
      if (room <= 0) return;
      const now = this.#o.clock.now();
      const { leased, refused } = await this.#lease(now, room);
      if (leased.length >= room) this.#starved = true;
      for (const batch of await this.#batches(leased, now)) this.#track(this.#deliver(batch));
      if (this.#stopped) return;
      if (this.#again || refused >= MAX_REFUSED) {
        this.#schedule(0);
      } else if (leased.length < room) {
        // Everything due now was leased, or belongs to a function without room (its finished deliveries look
        // again): sleep until something else becomes due.
        const due = await this.#o.queue.nextDue(now, true);
        const wait = due === undefined ? this.#o.pollMs : Math.max(0, due - this.#o.clock.now());
        this.#schedule(Math.min(wait, this.#o.pollMs));
      }
    } catch (error) {
      this.#o.onError?.(error);
      if (!this.#stopped) this.#schedule(this.#o.pollMs);
    } finally {
      this.#again = false;
      this.#ticking = false;
    }
  }

  /** Leases due events, no more of each function than it has room for; counts what it passed over. */
  async #lease(now: number, room: number): Promise<{ leased: LeasedEvent[]; refused: number }> {
    const taken = new Map<string, number>();
    let refused = 0;
    const skip = [...this.#shares.values()].filter((share) => this.#isFull(share));
    const leased = await this.#o.queue.lease(now, room, this.#o.owner, this.#o.leaseMs, {
      skip,
      maxRefused: MAX_REFUSED,
      admit: (candidate) => {
        const key = shareKey(candidate.tenant, candidate.functionName);
        const have = (this.#shares.get(key)?.held ?? 0) + (taken.get(key) ?? 0);
        if (have >= this.#capacityFor(candidate)) {
          refused++;
          return false;
        }
        taken.set(key, (taken.get(key) ?? 0) + 1);
        return true;
      },
    });
    for (const event of leased) {
      const share = this.#share(event.tenant, event.functionName);
      share.held++;
      if (event.kind === "storage") share.batchSize = batchSettings(event).size;
      this.#held++;
    }
    return { leased, refused };
  }

  /** How many events of the candidate's function this process may hold: LEASE_AHEAD per slot (a batch each). */
  #capacityFor(candidate: LeaseCandidate): number {
    const version = this.#o.resolve(candidate.tenant, candidate.functionName);
    // Gone: its events are only dead-lettered, which takes no slot.
    if (version === undefined) return Number.POSITIVE_INFINITY;
    const perDelivery = candidate.kind === "storage" ? batchSettings(candidate).size : 1;
    return version.config.concurrency * perDelivery * LEASE_AHEAD;
  }

  /** Holds at least what it runs at once: its next look can wait until it holds less. */
  #isFull(share: FunctionShare): boolean {
    const version = this.#o.resolve(share.tenant, share.functionName);
    return version !== undefined && share.held >= version.config.concurrency * share.batchSize;
  }

  #share(tenant: string, functionName: string): FunctionShare {
    const key = shareKey(tenant, functionName);
    let share = this.#shares.get(key);
    if (share === undefined) {
      share = { tenant, functionName, held: 0, batchSize: 1, running: 0, waiting: [] };
      this.#shares.set(key, share);
    }
    return share;
  }

  /** Events given back or settled: they no longer count against their function's room. */
  #unhold(share: FunctionShare, events: number): void {
    share.held -= events;
    this.#held -= events;
    this.#forgetIfIdle(share);
  }

  #forgetIfIdle(share: FunctionShare): void {
    if (share.held <= 0 && share.running === 0 && share.waiting.length === 0) {
      this.#shares.delete(shareKey(share.tenant, share.functionName));
    }
  }

  /** Waits for one of the function's concurrency slots. */
  async #acquireSlot(share: FunctionShare, concurrency: number): Promise<void> {
    if (share.running < concurrency) {
      share.running++;
      return;
    }
    await new Promise<void>((resolve) => share.waiting.push(resolve));
  }

  /** Hands the slot to the next waiting delivery, or frees it. */
  #releaseSlot(share: FunctionShare): void {
    const next = share.waiting.shift();
    if (next !== undefined) next();
    else share.running--;
  }

  #track(delivery: Promise<void>): void {
    const tracked = delivery
      .catch((error) => this.#o.onError?.(error))
      .finally(() => {
        this.#inFlight.delete(tracked);
      });
    this.#inFlight.add(tracked);
  }

  /**
   * Groups leased events into deliveries: storage notifications for one function travel together, up to the
   * rule's batch size, waiting up to its maxWaitMs for a batch to fill (DESIGN: batch size and max wait); every
   * other event is a delivery of its own.
   */
  async #batches(leased: LeasedEvent[], now: number): Promise<LeasedEvent[][]> {
    const single: LeasedEvent[][] = [];
    const groups = new Map<string, LeasedEvent[]>();
    for (const event of leased) {
      if (event.kind !== "storage") {
        single.push([event]);
        continue;
      }
      const key = `${event.tenant}/${event.functionName}`;
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [event]);
      else group.push(event);
    }
    for (const group of groups.values()) {
      const { size, maxWaitMs } = batchSettings(group[0] as LeasedEvent);
      const oldest = Math.min(...group.map((e) => e.createdAt));
      if (group.length < size && now - oldest < maxWaitMs) {
        // Not full and not old enough: give it back without counting an attempt, to be leased again at the next
        // poll with whatever arrived meanwhile (or when the window closes, whichever is first).
        // On a shared grid, so every waiting notification of the function comes back at the same moment.
        const again = Math.min(oldest + maxWaitMs, (Math.floor(now / BATCH_POLL_MS) + 1) * BATCH_POLL_MS);
        for (const event of group) await this.#o.queue.defer(event.id, this.#o.owner, again);
        this.#unhold(this.#share(group[0]?.tenant ?? "", group[0]?.functionName ?? ""), group.length);
        continue;
      }
      // In the order they happened: a notification that arrived while the others waited out the batch window
      // is due earlier than they are (its own creation time) and may come first from the lease.
      group.sort((a, b) => a.createdAt - b.createdAt);
      for (let i = 0; i < group.length; i += size) single.push(group.slice(i, i + size));
    }
    return single;
  }

  async #deliver(events: LeasedEvent[]): Promise<void> {
    const first = events[0] as LeasedEvent;
    const share = this.#share(first.tenant, first.functionName);
    try {
      await this.#deliverHeld(events, share);
    } finally {
      this.#unhold(share, events.length);
      // Still holding its next deliveries: the look waits until it holds fewer than it runs (a batch to lease).
      if (!this.#stopped && (this.#starved || !this.#isFull(share))) this.#schedule(0);
    }
  }

  async #deliverHeld(events: LeasedEvent[], share: FunctionShare): Promise<void> {
    const { queue, owner, clock } = this.#o;
    const first = events[0] as LeasedEvent;
    const version = this.#o.resolve(first.tenant, first.functionName);
    if (version === undefined) {
      for (const event of events) {
        await queue.deadLetter(
          event.id,
          owner,
          "functionDeleted",
          "the function no longer exists",
          clock.now(),
        );
      }
      return;
    }
    // A delivery may outlast the lease (a 15-minute function, or a wait for a slot); keep the leases alive
    // meanwhile, so only a process that died lets another one deliver the events again.
    let renewal: TimerHandle | undefined;
    const renew = () => {
      renewal = clock.setTimer(() => {
        for (const event of events) {
          queue
            .extendLease(event.id, owner, clock.now() + this.#o.leaseMs)
            .catch((error) => this.#o.onError?.(error));
        }
        renew();
      }, this.#o.leaseMs / 3);
    };
    renew();
    try {
      await this.#acquireSlot(share, version.config.concurrency);
      try {
        // Stopped while waiting for the slot: `stop` releases the leases for another process.
        if (!this.#stopped) await this.#invoke(events, version);
      } finally {
        this.#releaseSlot(share);
      }
    } finally {
      renewal?.cancel();
    }
  }

  async #invoke(events: LeasedEvent[], version: VersionSpec): Promise<void> {
    const { queue, owner, clock, runtime } = this.#o;
    const first = events[0] as LeasedEvent;
    const hooks = this.#o.hooks?.[first.kind];
    const invocationId = newId();
    const startedAt = clock.now();
    if (hooks?.before !== undefined) await hooks.before(first, version, invocationId);
    let result: InvocationResult;
    try {
      result = await runtime.invoke(
        version,
        first.kind === "storage" ? mergeNotifications(events) : decodeEvent(first.payload),
        {
          invocationId,
          // The same on every retry; a producer's idempotency key wins (DESIGN §6).
          eventId: first.idempotencyKey ?? first.id,
        },
      );
    } catch (error) {
      if (isSkiffError(error) && TRANSIENT.has(error.code)) {
        for (const event of events) await queue.defer(event.id, owner, clock.now() + this.#jitter(DEFER_MS));
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
          trigger: TRIGGERS[first.kind],
          startedAt,
        },
        result,
      ),
    );
    if (hooks?.after !== undefined) await hooks.after(first, result);
    const error = result.error === undefined ? result.outcome : `${result.outcome}: ${result.error.message}`;
    // Queue handlers say per message what to retry; otherwise the invocation's outcome decides for all.
    const retries =
      result.queue === undefined
        ? undefined
        : new Map((result.queue.retry ?? []).map((r) => [r.id, r.delaySeconds]));
    for (const event of events) {
      // Without per-message answers, no message id is needed (nor looked for in the payload).
      const messageId = retries === undefined ? "" : messageIdOf(event);
      const failed = retries === undefined ? result.outcome !== "ok" : retries.has(messageId);
      let state: "completed" | "retrying" | "dead" = "completed";
      if (!failed || result.noRetry === true) await queue.complete(event.id, owner);
      else state = await this.#retry(event, version, error, retries?.get(messageId));
      if (hooks?.settled !== undefined) await hooks.settled(event, state, result);
    }
  }

  async #retry(
    event: LeasedEvent,
    version: VersionSpec,
    error: string,
    delaySeconds: number | undefined,
  ): Promise<"retrying" | "dead"> {
    const { queue, owner, clock } = this.#o;
    const now = clock.now();
    const { maxAttempts, maxEventAgeSeconds, minBackoffMs } = version.config.async;
    if (event.attempts >= maxAttempts) {
      await queue.deadLetter(event.id, owner, "maxAttempts", error, now);
      return "dead";
    }
    const next =
      now +
      (delaySeconds === undefined
        ? backoffMs(event.attempts, minBackoffMs, this.#o.random)
        : delaySeconds * 1000);
    if (next - event.createdAt > maxEventAgeSeconds * 1000) {
      await queue.deadLetter(event.id, owner, "maxEventAge", error, now);
      return "dead";
    }
    await queue.retry(event.id, owner, next, error);
    return "retrying";
  }

  #jitter(ms: number): number {
    return Math.round(ms * (0.5 + this.#o.random() / 2));
  }
}

interface NotificationPayload {
  kind: "queue";
  queue: string;
  messages: Array<{ id: string; timestamp: number; body: unknown; attempts: number }>;
  lambdaEvent?: { Records?: unknown[] };
  chain?: { id: string; hops: number };
  batch?: { size?: number; maxWaitMs?: number };
}

function shareKey(tenant: string, functionName: string): string {
  return `${tenant}/${functionName}`;
}

function batchSettings(event: Pick<LeasedEvent, "payload">): { size: number; maxWaitMs: number } {
  const batch = (event.payload as NotificationPayload).batch;
  return { size: Math.max(1, batch?.size ?? 10), maxWaitMs: Math.max(0, batch?.maxWaitMs ?? 0) };
}

function messageIdOf(event: LeasedEvent): string {
  const payload = event.payload as Partial<NotificationPayload>;
  return payload.messages?.[0]?.id ?? event.id;
}

/** One queue event for a batch of storage notifications: their messages and S3 records, each attempt counted. */
export function mergeNotifications(events: LeasedEvent[]): InvocationEvent {
  const payloads = events.map((event) => event.payload as NotificationPayload);
  const first = payloads[0] as NotificationPayload;
  const chain = payloads.reduce<NotificationPayload["chain"]>(
    (longest, p) =>
      p.chain !== undefined && (longest === undefined || p.chain.hops > longest.hops) ? p.chain : longest,
    undefined,
  );
  const merged = {
    kind: "queue" as const,
    queue: first.queue,
    messages: events.flatMap((event, i) =>
      (payloads[i]?.messages ?? []).map((message) => ({ ...message, attempts: event.attempts })),
    ),
    lambdaEvent: { Records: payloads.flatMap((p) => p.lambdaEvent?.Records ?? []) },
    ...(chain === undefined ? {} : { chain }),
  };
  return merged as InvocationEvent;
}
