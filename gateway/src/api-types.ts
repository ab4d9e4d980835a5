// The admin API's answers as TypeScript types, inferred from the same zod schemas the OpenAPI document is built
// from and the conformance test checks real answers against. Types only: importing `@skiff/gateway/api-types`
// loads no server code (the compiled module is empty).
import type { z } from "zod";
import type * as schemas from "./openapi/schemas/index.js";
import type { usageReportSchema } from "./usage/usage-schema.js";

type Answer<T extends z.ZodType> = z.output<T>;

/** DESIGN §5: `{"error": {"code", "message", "invocationId"?, "details"?}}`. */
export type ApiErrorBody = Answer<typeof schemas.errorBody>;

export type Tenant = Answer<typeof schemas.tenant>;
export type ApiKey = Answer<typeof schemas.apiKey>;
export type S3Credential = Answer<typeof schemas.s3Credential>;
export type TenantQuotas = Answer<typeof schemas.tenantQuotas>;
export type TenantUsage = Answer<typeof schemas.tenantUsage>;
/** `GET …/quotas`. */
export type QuotasAnswer = { quotas: TenantQuotas; usage: TenantUsage };

export type FunctionRecord = Answer<typeof schemas.functionRecord>;
export type VersionRecord = Answer<typeof schemas.versionRecord>;
export type FunctionConfig = Answer<typeof schemas.functionConfig>;
/** What deploy, rollback and a triggers change answer. */
export type Deployment = Answer<typeof schemas.deployment>;
export type Quarantine = Answer<typeof schemas.quarantineRecord>;
export type Secret = Answer<typeof schemas.secretRecord>;

export type InvocationRecord = Answer<typeof schemas.invocationRecord>;
export type LogLine = Answer<typeof schemas.logLine>;

export type TriggerInfo = Answer<typeof schemas.triggerInfo>;
export type TriggerRun = Answer<typeof schemas.triggerRun>;
export type TriggerRunResult = Answer<typeof schemas.runResult>;
export type DeadLetter = Answer<typeof schemas.deadLetter>;

export type Webhook = Answer<typeof schemas.webhookEndpoint>;
export type WebhookDelivery = Answer<typeof schemas.webhookDelivery>;
export type WebhookRequest = Answer<typeof schemas.webhookRequest>;

export type Bucket = Answer<typeof schemas.bucket>;
export type ObjectSummary = Answer<typeof schemas.objectSummary>;
export type ObjectPage = Answer<typeof schemas.objectPage>;
export type NotificationRule = Answer<typeof schemas.notificationRule>;
export type KvKey = Answer<typeof schemas.kvKey>;
export type KvKeyPage = Answer<typeof schemas.kvKeyPage>;
export type KvPutResult = Answer<typeof schemas.kvPutResult>;

export type Queue = Answer<typeof schemas.queue>;
export type QueueConsumer = Answer<typeof schemas.queueConsumer>;
export type SentMessage = Answer<typeof schemas.sentMessage>;
export type Topic = Answer<typeof schemas.topic>;
export type Subscription = Answer<typeof schemas.subscription>;
export type PublishResult = Answer<typeof schemas.publishResult>;
export type FilterPolicy = Answer<typeof schemas.filterPolicy>;
export type MessageAttributes = Answer<typeof schemas.messageAttributes>;

export type RuntimeStats = Answer<typeof schemas.runtimeStats>;
export type BacklogReport = Answer<typeof schemas.backlogReport>;
export type UsageReport = Answer<typeof usageReportSchema>;
