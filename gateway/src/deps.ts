// What the gateway's parts share: passed in once by createGateway, never read from globals.
import type { Runtime, VersionSpec } from "@skiff/runtime";
import type { RunResult, TriggerInfo } from "@skiff/scheduler";
import type { EnqueueInput, Storage, WriteContext } from "@skiff/storage";
import type { Logger } from "pino";
import type { InvocationWriter } from "./invocation-writer.js";
import type { KeyedLock } from "./keyed-lock.js";
import type { RoutingTable } from "./routing-table.js";

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
  runtime: Runtime;
  routes: RoutingTable;
  writer: InvocationWriter;
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
  /** Absent in gateway unit tests that need no async delivery or cron. */
  scheduler: SchedulerPort | undefined;
}
