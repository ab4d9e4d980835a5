// The admin API's JSON answers as the dashboard reads them (each is the storage record the route returns,
// plus what the route adds to it).
import type { CronTrigger, InvocationRecord } from "@skiff/core";
import type { RuntimeStats } from "@skiff/runtime";
import type {
  DeadLetter,
  FunctionRecord,
  QuarantineRecord,
  Queue,
  QueueStats,
  Tenant,
  TriggerRun,
  VersionRecord,
  WebhookDelivery,
  WebhookEndpoint,
} from "@skiff/storage";

export type {
  DeadLetter,
  FunctionRecord,
  InvocationRecord,
  Tenant,
  TriggerRun,
  VersionRecord,
  WebhookDelivery,
};

export interface FunctionList {
  functions: FunctionRecord[];
}
export interface FunctionDetail {
  function: FunctionRecord;
  version: VersionRecord | null;
}
export interface VersionList {
  versions: VersionRecord[];
}
export interface InvocationList {
  invocations: InvocationRecord[];
}
export interface TriggerList {
  version: number | null;
  triggers: Array<CronTrigger & { nextRuns: string[] }>;
}
export interface TriggerRunList {
  runs: TriggerRun[];
}
export interface DeadLetterList {
  deadLetters: DeadLetter[];
}
export type WebhookView = WebhookEndpoint & { url: string };
export interface WebhookList {
  webhooks: WebhookView[];
}
export interface DeliveryList {
  deliveries: WebhookDelivery[];
}
export interface TenantList {
  tenants: Tenant[];
}
export interface QuarantineList {
  quarantines: QuarantineRecord[];
}
export type QueueView = Queue &
  QueueStats & { oldestMessageAgeMs: number | null; consumer: { function: string } | null };
export interface QueueList {
  queues: QueueView[];
}
export type RuntimeView = RuntimeStats;
export type { UsageReport } from "../usage/usage-schema.js";
export interface BacklogView {
  events: Array<{ tenant: string; kind: string; count: number; oldestAgeMs: number }>;
  queueMessages: Array<{ tenant: string; queue: string; count: number; oldestAgeMs: number }>;
  deadLetters: Array<{ tenant: string; kind: string; count: number }>;
}
