// The scheduler: cron triggers and async delivery behind one object that the composition root starts and stops
// and the gateway calls. Functions are found through `resolve` (the gateway's in-memory routing table).
import { randomUUID } from "node:crypto";
import type { InvocationRecord } from "@skiff/core";
import type { Runtime, VersionSpec } from "@skiff/runtime";
import type { EnqueueInput, EventKind, Storage } from "@skiff/storage";
import { type Clock, systemClock } from "./clock.js";
import {
  CronService,
  type CronServiceOptions,
  type RunResult,
  type TriggerInfo,
} from "./cron/cron-service.js";
import { type DeliveryHooks, EventDispatcher } from "./queue/dispatcher.js";
import { QueueConsumerDispatcher } from "./queues/queue-consumer.js";

export interface SchedulerOptions {
  /** With `queueDelivery`, queue consumers are delivered too (issue 10). */
  storage: Pick<Storage, "events" | "triggerRuns"> & Partial<Pick<Storage, "queueDelivery">>;
  runtime: Runtime;
  resolve: (tenant: string, functionName: string) => VersionSpec | undefined;
  clock?: Clock;
  /** Names this process in event leases; default a random id per start. */
  owner?: string;
  leaseMs?: number;
  pollMs?: number;
  maxInFlight?: number;
  random?: () => number;
  onInvocation?: (record: InvocationRecord) => void;
  /** A scheduled cron tick starts its invocation (how late it started: cron lag). */
  onCronStarted?: CronServiceOptions["onCronStarted"];
  onError?: (error: unknown) => void;
  /** Delivery hooks of other producers (webhooks keep their deliveries log up to date with them). */
  hooks?: Partial<Record<EventKind, DeliveryHooks>>;
}

export class Scheduler {
  readonly #storage: SchedulerOptions["storage"];
  readonly #clock: Clock;
  readonly #cron: CronService;
  readonly #dispatcher: EventDispatcher;
  readonly #consumers: QueueConsumerDispatcher | undefined;

  constructor(options: SchedulerOptions) {
    this.#storage = options.storage;
    this.#clock = options.clock ?? systemClock;
    const random = options.random ?? Math.random;
    this.#cron = new CronService({
      runs: options.storage.triggerRuns,
      queue: options.storage.events,
      runtime: options.runtime,
      clock: this.#clock,
      notifyQueue: () => this.#dispatcher.notify(),
      random,
      ...(options.onInvocation === undefined ? {} : { onInvocation: options.onInvocation }),
      ...(options.onCronStarted === undefined ? {} : { onCronStarted: options.onCronStarted }),
      ...(options.onError === undefined ? {} : { onError: options.onError }),
    });
    const owner = options.owner ?? `skiff-${process.pid}-${randomUUID()}`;
    this.#dispatcher = new EventDispatcher({
      queue: options.storage.events,
      runtime: options.runtime,
      resolve: options.resolve,
      clock: this.#clock,
      owner,
      random,
      hooks: { ...options.hooks, scheduled: this.#cron.retryHooks() },
      ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
      ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
      ...(options.maxInFlight === undefined ? {} : { maxInFlight: options.maxInFlight }),
      ...(options.onInvocation === undefined ? {} : { onInvocation: options.onInvocation }),
      ...(options.onError === undefined ? {} : { onError: options.onError }),
    });
    this.#consumers =
      options.storage.queueDelivery === undefined
        ? undefined
        : new QueueConsumerDispatcher({
            delivery: options.storage.queueDelivery,
            runtime: options.runtime,
            resolve: options.resolve,
            clock: this.#clock,
            owner,
            random,
            ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
            ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
            ...(options.maxInFlight === undefined ? {} : { maxInFlight: options.maxInFlight }),
            ...(options.onInvocation === undefined ? {} : { onInvocation: options.onInvocation }),
            ...(options.onError === undefined ? {} : { onError: options.onError }),
          });
  }

  /** Schedules the triggers of every active version, runs missed ticks (catch-up-once), starts delivery. */
  async start(active: Iterable<VersionSpec>): Promise<void> {
    const versions = [...active];
    for (const version of versions) this.#cron.update(version);
    this.#dispatcher.start();
    this.#consumers?.start();
    for (const version of versions) await this.#cron.catchUp(version);
  }

  /** A function's active version changed (deploy, rollback) or it was deleted (`version` undefined). */
  functionChanged(tenant: string, functionName: string, version: VersionSpec | undefined): void {
    this.#cron.update(version, tenant, functionName);
  }

  /** Stores an event durably, then wakes delivery. Resolves only after the row is committed. */
  async enqueue(input: EnqueueInput): Promise<{ id: string; duplicate: boolean }> {
    const stored = await this.#storage.events.enqueue(input, this.#clock.now());
    this.#dispatcher.notify(input.tenant, input.functionName);
    return stored;
  }

  runTrigger(tenant: string, functionName: string, cron?: string): Promise<RunResult[]> {
    return this.#cron.runNow(tenant, functionName, cron);
  }

  triggers(tenant: string, functionName: string, version: VersionSpec | undefined): TriggerInfo[] {
    return this.#cron.list(tenant, functionName, version);
  }

  /** Dead letters were redriven, or queue messages and topic deliveries were stored: deliver them now. */
  wake(): void {
    this.#dispatcher.notify();
    this.#consumers?.notify();
  }

  /** Stops ticking and leasing, lets deliveries in flight finish (bounded), releases leases. */
  async stop(graceMs = 10_000): Promise<void> {
    this.#cron.stop();
    await Promise.all([this.#dispatcher.stop(graceMs), this.#consumers?.stop(graceMs)]);
  }
}
