export { type BindingHostOptions, createBindingHost } from "./bindings/binding-host.js";
export type { ServiceBindingDeps } from "./bindings/service-binding.js";
export { INVOCATION_ID_HEADER } from "./data-plane/invocation-response.js";
export { buildCodeBundle, type DeployCode, encodeCodeBundle, type ModuleInput } from "./deploy/index.js";
export { createGateway, type Gateway, type GatewayOptions } from "./gateway.js";
export { guardRuntime } from "./guarded-runtime.js";
export { acceptedRequestId, REQUEST_ID_HEADER, requestLogger } from "./http/request-id.js";
export { metricsResponse, PlatformMetrics, type PlatformMetricsOptions } from "./metrics/index.js";
export { type NotificationReport, notificationReporter } from "./notification-reporter.js";
export { createInvocationBus, type InvocationBus } from "./observe/invocation-bus.js";
export { MessageProducer, type MessageProducerOptions } from "./queues/message-producer.js";
export { StoredBytesGuard, TenantLimiter, type TenantLimiterOptions } from "./quotas/index.js";
export { RoutingTable, versionSpecOf } from "./routing-table.js";
export {
  type EstimatedCost,
  type PriceTable,
  parsePriceTable,
  TIME_BOUND_FORMAT,
  type UsageReport,
  usageReportSchema,
} from "./usage/index.js";
export { webhookDeliveryHooks } from "./webhooks/delivery-hooks.js";
export { WEBHOOK_DELIVERY_HEADER, WEBHOOK_VERIFIED_HEADER } from "./webhooks/webhook-event.js";
