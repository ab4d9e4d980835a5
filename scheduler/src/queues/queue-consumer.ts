// Delivers queue messages to their consumers (issue 10): leases batches, invokes the consumer function with a
// queue event (Workers `queue(batch)`, Lambda SQS records), then settles each message as the handler decided:
// acknowledged ones are deleted, retried ones come back after their delay, and a message that failed more
// than `maxRetries` times goes to the dead-letter queue. In an ordered queue a failure holds back the rest of
// its batch, so its group goes on strictly in send order once it succeeds or is dead-lettered.
import {
  type InvocationRecord,
  type InvocationResult,
  isSkiffError,
  newId,
  type QueueEvent,
  toInvocationRecord,
} from "@skiff/core";
import type { Runtime, VersionSpec } from "@skiff/runtime";
import type { LeasedQueueMessage, QueueBatch, QueueDelivery } from "@skiff/storage";
import type { Clock, TimerHandle } from "../clock.js";

export interface QueueConsumerOptions {
  delivery: QueueDelivery;
  runtime: Runtime;
  /** The active version of a function (the in-memory routing table), undefined once it is gone. */
  resolve: (tenant: string, functionName: string) => VersionSpec | undefined;
  clock: Clock;
  /** Names this process in leases. */
  owner: string;
  leaseMs?: number;
  /** Batches this process delivers at once, over every queue. */
  maxInFlight?: number;
  /** Longest sleep between two looks at the queues. */
  pollMs?: number;
  random?: () => number;
  onInvocation?: (record: InvocationRecord) => void;
  onError?: (error: unknown) => void;
}

/** Platform refusals that say nothing about the messages: put them back without counting the attempt. */
const TRANSIENT = new Set(["TOO_MANY_REQUESTS", "SHUTTING_DOWN", "RUNTIME_CRASHED"]);
const DEFER_MS = 1000;
/** How often messages past their queue's retention are deleted. */
const PURGE_EVERY_MS = 60_000;

type Decision = { kind: "complete" } | { kind: "retry"; delaySeconds?: number } | { kind: "hold" };

export class QueueConsumerDispatcher {
  readonly #o: Required<Omit<QueueConsumerOptions, "onInvocation" | "onError">> & QueueConsumerOptions;
  readonly #inFlight = new Set<Promise<void>>();
  #timer: TimerHandle | undefined;
  #ticking = false;
  #again = false;
  #stopped = true;
  #lastPurge = Number.NEGATIVE_INFINITY;

  constructor(options: QueueConsumerOptions) {
    this.#o = { leaseMs: 30_000, maxInFlight: 32, pollMs: 500, random: Math.random, ...options };
  }

  start(): void {
    this.#stopped = false;
    this.notify();
  }

  /** Messages were sent (or redriven): look at the queues now rather than at the next poll. */
  notify(): void {
    if (!this.#stopped) this.#schedule(0);
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Stops leasing, waits up to `graceMs` for batches in flight, then releases this process's leases. */
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
    await this.#o.delivery.releaseAll(this.#o.owner);
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
      const { delivery, clock, owner, leaseMs, pollMs } = this.#o;
      const now = clock.now();
      if (now - this.#lastPurge >= PURGE_EVERY_MS) {
        this.#lastPurge = now;
        await delivery.purgeExpired(now);
      }
      const room = this.#o.maxInFlight - this.#inFlight.size;
      if (room <= 0) return; // the next finished batch schedules a tick
      const { batches, wakeAt } = await delivery.lease(
        now,
        owner,
        leaseMs,
        room,
        (tenant, functionName) => this.#o.resolve(tenant, functionName)?.config.concurrency ?? 1,
      );
      for (const batch of batches) this.#track(this.#deliver(batch));
      if (this.#stopped) return;
      if (this.#again || batches.length === room) this.#schedule(0);
      else this.#schedule(wakeAt === undefined ? pollMs : Math.min(Math.max(0, wakeAt - now), pollMs));
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

  async #deliver(batch: QueueBatch): Promise<void> {
    const { delivery, owner, clock, runtime, leaseMs } = this.#o;
    const version = this.#o.resolve(batch.tenant, batch.consumer.functionName);
    if (version === undefined) {
      // Not deployed right now (a delete on its way): the consumer row goes with the function.
      await this.#releaseAll(batch, clock.now() + DEFER_MS);
      return;
    }
    // A batch may outlast the lease (a 15-minute function): keep it alive while the invocation runs.
    let renewal: TimerHandle | undefined;
    const renew = () => {
      renewal = clock.setTimer(() => {
        delivery
          .extendLease(batch.batchId, owner, clock.now() + leaseMs)
          .catch((error) => this.#o.onError?.(error));
        renew();
      }, leaseMs / 3);
    };
    renew();
    try {
      const startedAt = clock.now();
      let result: InvocationResult;
      try {
        result = await runtime.invoke(version, queueEvent(batch), { invocationId: newId() });
      } catch (error) {
        if (isSkiffError(error) && TRANSIENT.has(error.code)) {
          await this.#releaseAll(batch, clock.now() + this.#jitter(DEFER_MS));
          return;
        }
        // Any other refusal (a quarantined function) counts against the messages, so they reach the DLQ.
        const message = error instanceof Error ? error.message : String(error);
        await this.#settle(
          batch,
          batch.messages.map(() => ({ kind: "retry" })),
          message,
        );
        return;
      }
      this.#o.onInvocation?.(
        toInvocationRecord(
          {
            tenant: version.tenant,
            functionName: version.functionName,
            version: version.number,
            trigger: "queue",
            startedAt,
          },
          result,
        ),
      );
      const error =
        result.error === undefined ? result.outcome : `${result.outcome}: ${result.error.message}`;
      await this.#settle(batch, decide(batch, result), error);
    } finally {
      renewal?.cancel();
    }
  }

  async #settle(batch: QueueBatch, decisions: Decision[], error: string): Promise<void> {
    const { delivery, owner, clock } = this.#o;
    const now = clock.now();
    const done = batch.messages.filter((_, i) => decisions[i]?.kind === "complete").map((m) => m.id);
    await delivery.complete(done, owner);
    for (const [i, message] of batch.messages.entries()) {
      const decision = decisions[i] as Decision;
      if (decision.kind === "hold") await delivery.release(message.id, owner, now);
      else if (decision.kind === "retry") await this.#retry(batch, message, error, decision.delaySeconds);
    }
  }

  async #retry(
    batch: QueueBatch,
    message: LeasedQueueMessage,
    error: string,
    delaySeconds: number | undefined,
  ): Promise<void> {
    const { delivery, owner, clock } = this.#o;
    const now = clock.now();
    if (message.attempts > batch.consumer.maxRetries) {
      await delivery.deadLetter(message.id, owner, error, now);
      return;
    }
    const delay = delaySeconds ?? batch.consumer.retryDelaySeconds;
    await delivery.retry(message.id, owner, now + delay * 1000, error);
  }

  async #releaseAll(batch: QueueBatch, availableAt: number): Promise<void> {
    for (const message of batch.messages)
      await this.#o.delivery.release(message.id, this.#o.owner, availableAt);
  }

  #jitter(ms: number): number {
    return Math.round(ms * (0.5 + this.#o.random() / 2));
  }
}

/**
 * What becomes of each message: the handler's per-message decisions (Workers ack/retry, Lambda
 * batchItemFailures), or the outcome for all of them. In an ordered batch the messages after the first retried
 * one are held back, uncounted, so that none overtakes it.
 */
export function decide(batch: QueueBatch, result: InvocationResult): Decision[] {
  const retries = new Map((result.queue?.retry ?? []).map((r) => [r.id, r.delaySeconds]));
  let blocked = false;
  return batch.messages.map((message): Decision => {
    if (blocked) return { kind: "hold" };
    const failed = result.queue === undefined ? result.outcome !== "ok" : retries.has(message.id);
    if (!failed) return { kind: "complete" };
    if (batch.ordered) blocked = true;
    const delaySeconds = retries.get(message.id);
    return delaySeconds === undefined ? { kind: "retry" } : { kind: "retry", delaySeconds };
  });
}

/** The queue event a consumer receives: Workers' MessageBatch; the prelude derives Lambda's SQS records. */
export function queueEvent(batch: QueueBatch): QueueEvent {
  return {
    kind: "queue",
    queue: batch.queue,
    messages: batch.messages.map((m) => ({
      id: m.id,
      timestamp: m.createdAt,
      body: m.body,
      attempts: m.attempts,
      contentType: m.contentType,
      sequenceNumber: String(m.seq),
      ...(m.attributes === null ? {} : { attributes: m.attributes }),
      ...(m.groupId === null ? {} : { groupId: m.groupId }),
      ...(m.deduplicationId === null ? {} : { deduplicationId: m.deduplicationId }),
    })),
  };
}
