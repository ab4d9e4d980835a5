// What the gateway's parts share: passed in once by createGateway, never read from globals.
import type { Runtime, RuntimeStats, VersionSpec } from "@skiff/runtime";
import type { RunResult, TriggerInfo } from "@skiff/scheduler";
import type { EnqueueInput, Storage, WriteContext } from "@skiff/storage";
import type { Logger } from "pino";
import type { InvocationWriter } from "./invocation-writer.js";
import type { KeyLookupCache } from "./key-lookup-cache.js";
import type { KeyedLock } from "./keyed-lock.js";
import type { InvocationBus } from "./observe/invocation-bus.js";
import type { MessageProducer } from "./queues/message-producer.js";
import type { StoredBytesGuard } from "./quotas/stored-bytes-guard.js";
import type { TenantLimiter } from "./quotas/tenant-limiter.js";
import type { RoutingTable } from "./routing-table.js";
import type { PriceTable } from "./usage/price-table.js";

/** What the gateway asks of the scheduler (the `Scheduler` class provides it). */
export interface SchedulerPort {
  enqueue(input: EnqueueInput): Promise<{ id: string; duplicate: boolean }>;
  runTrigger(tenant: string, functionName: string, cron?: string): Promise<RunResult[]>;
  triggers(tenant: string, functionName: string, version: VersionSpec | undefined): TriggerInfo[];
  /** Deliver redriven dead letters now. */
  wake(): void;
}

export interface GatewayDeps {
  storage: Storage;
  /** Guarded: every invocation counts against its tenant's concurrency and memory quotas. */
  runtime: Runtime;
  routes: RoutingTable;
  /** Per-tenant quotas in memory: request rate, async events, invocations in flight. */
  limiter: TenantLimiter;
  /** The maxStoredBytes quota, checked before object and KV writes. */
  storedBytes: StoredBytesGuard;
  writer: InvocationWriter;
  /** Every invocation record as it finishes; the writer publishes to it. */
  invocations: InvocationBus;
  /** Aborted when the gateway stops serving: long-lived responses (logs follow) end then. */
  streamsClosed: AbortSignal;
  /** Serialises deploy, rollback and delete per function. */
  locks: KeyedLock;
  logger: Logger;
  now: () => number;
  newId: () => string;
  baseDomain: string;
  requestBodyBytes: number;
  /** Largest bucket object an upload may store. */
  maxObjectBytes: number;
  /** The WriteContext of an object write made through the gateway (S3, admin API): time, action, reporting. */
  writeContext(action: WriteContext["action"], extra?: Partial<WriteContext>): WriteContext;
  adminToken: string | undefined;
  /** Tenant keys found lately (admin API auth); revoking a key must forget it here. */
  keyCache?: KeyLookupCache | undefined;
  /** Absent in gateway unit tests that need no async delivery or cron. */
  scheduler: SchedulerPort | undefined;
  /** Sends to queues and publishes to topics (the admin API and bindings both go through it). */
  messages: MessageProducer;
  /** The supervisor's state (workers, isolate caches) for `GET /api/v1/runtime`; absent in some unit tests. */
  runtimeStats?: (() => Promise<RuntimeStats>) | undefined;
  /** The operator's price table (SKIFF_PRICES): usage answers then carry an estimated cost. */
  prices?: PriceTable | undefined;
}
