export { type BindingHostOptions, createBindingHost } from "./bindings/binding-host.js";
export { INVOCATION_ID_HEADER } from "./data-plane/invocation-response.js";
export { buildCodeBundle, type DeployCode, encodeCodeBundle, type ModuleInput } from "./deploy/index.js";
export { createGateway, type Gateway, type GatewayOptions } from "./gateway.js";
export { type NotificationReport, notificationReporter } from "./notification-reporter.js";
export { RoutingTable, versionSpecOf } from "./routing-table.js";
export { webhookDeliveryHooks } from "./webhooks/delivery-hooks.js";
export { WEBHOOK_DELIVERY_HEADER, WEBHOOK_VERIFIED_HEADER } from "./webhooks/webhook-event.js";
