// The response schemas infer exactly the types the routes answer with (checked by `tsc`, i.e. `npm run
// typecheck`): a field added to a storage record, an outcome or a trigger kind fails here until the schema says it.
import type { FunctionConfig, InvocationRecord, TenantQuotas, TenantUsage, TriggerKind } from "@skiff/core";
import type { RuntimeStats, WorkerStats } from "@skiff/runtime";
import type { RunResult, TriggerInfo } from "@skiff/scheduler";
import type {
  Bucket,
  DeadLetter,
  FunctionRecord,
  NotificationRule,
  QuarantineRecord,
  SecretRecord,
  Tenant,
  Topic,
  TriggerRun,
  VersionRecord,
  WebhookDelivery,
} from "@skiff/storage";
import { describe, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import type { ObjectSummary } from "../../admin/bucket-routes.js";
import type { ApiKeyView } from "../../admin/key-routes.js";
import type { consumerView } from "../../admin/queue-routes.js";
import type { subscriptionView } from "../../admin/topic-routes.js";
import type { endpointView, requestView } from "../../admin/webhook-routes.js";
import type * as s from "./index.js";

type Out<T extends z.ZodType> = z.output<T>;
/** One object type from an intersection, as `toEqualTypeOf` compares object types, not intersections. */
type Flat<T> = { [K in keyof T]: T[K] };

describe("response schemas and the types the routes answer with", () => {
  it("functions and versions", () => {
    expectTypeOf<Out<typeof s.functionRecord>>().toEqualTypeOf<FunctionRecord>();
    expectTypeOf<Out<typeof s.versionRecord>>().toEqualTypeOf<VersionRecord>();
    expectTypeOf<Out<typeof s.functionConfig>>().toEqualTypeOf<FunctionConfig>();
    expectTypeOf<Out<typeof s.quarantineRecord>>().toEqualTypeOf<QuarantineRecord>();
    expectTypeOf<Out<typeof s.secretRecord>>().toEqualTypeOf<SecretRecord>();
  });

  it("invocations", () => {
    expectTypeOf<Out<typeof s.invocationRecord>>().toEqualTypeOf<InvocationRecord>();
    expectTypeOf<(typeof s.TRIGGER_KINDS)[number]>().toEqualTypeOf<TriggerKind>();
  });

  it("triggers and dead letters", () => {
    expectTypeOf<Out<typeof s.triggerRun>>().toEqualTypeOf<TriggerRun>();
    expectTypeOf<Out<typeof s.runResult>>().toEqualTypeOf<RunResult>();
    expectTypeOf<Out<typeof s.deadLetter>>().toEqualTypeOf<DeadLetter>();
    // The route sends nextRuns as ISO strings instead of epoch ms.
    expectTypeOf<Out<typeof s.triggerInfo>>().toEqualTypeOf<
      Flat<Omit<TriggerInfo, "nextRuns"> & { nextRuns: string[] }>
    >();
  });

  it("webhooks", () => {
    expectTypeOf<Out<typeof s.webhookEndpoint>>().toEqualTypeOf<ReturnType<typeof endpointView>>();
    expectTypeOf<Out<typeof s.webhookDelivery>>().toEqualTypeOf<WebhookDelivery>();
    expectTypeOf<Out<typeof s.webhookRequest>>().toEqualTypeOf<ReturnType<typeof requestView>>();
  });

  it("buckets and objects", () => {
    expectTypeOf<Out<typeof s.bucket>>().toEqualTypeOf<Bucket>();
    expectTypeOf<Out<typeof s.objectSummary>>().toEqualTypeOf<ObjectSummary>();
    expectTypeOf<Out<typeof s.notificationRule>>().toEqualTypeOf<NotificationRule>();
  });

  it("queues and topics", () => {
    expectTypeOf<Out<typeof s.queueConsumer>>().toEqualTypeOf<ReturnType<typeof consumerView>>();
    expectTypeOf<Out<typeof s.subscription>>().toEqualTypeOf<ReturnType<typeof subscriptionView>>();
    expectTypeOf<Out<typeof s.topic>>().toEqualTypeOf<Flat<Topic & { subscriptions: number }>>();
  });

  it("tenants, keys, quotas and the runtime", () => {
    expectTypeOf<Out<typeof s.tenant>>().toEqualTypeOf<Tenant>();
    expectTypeOf<Out<typeof s.apiKey>>().toEqualTypeOf<ApiKeyView>();
    expectTypeOf<Out<typeof s.tenantQuotas>>().toEqualTypeOf<TenantQuotas>();
    expectTypeOf<Out<typeof s.tenantUsage>>().toEqualTypeOf<TenantUsage>();
    // JSON leaves out `pid: undefined`: in the answer the field is optional.
    expectTypeOf<keyof Out<typeof s.runtimeStats>>().toEqualTypeOf<keyof RuntimeStats>();
    expectTypeOf<Out<typeof s.runtimeStats>["workers"][number]>().toEqualTypeOf<
      Flat<Omit<WorkerStats, "pid"> & { pid?: number }>
    >();
  });
});
