export { type BindingHostOptions, createBindingHost } from "./bindings/binding-host.js";
export { INVOCATION_ID_HEADER } from "./data-plane/invocation-response.js";
export { buildCodeBundle, type DeployCode, encodeCodeBundle, type ModuleInput } from "./deploy/index.js";
export { createGateway, type Gateway, type GatewayOptions } from "./gateway.js";
export { RoutingTable, versionSpecOf } from "./routing-table.js";
