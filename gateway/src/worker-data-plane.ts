// What a runtime worker's direct data plane needs of the gateway, and nothing else: importing the package's main
// entry would load the admin API, the dashboard, S3 and their schemas into every worker (≈ 0.4 s, 50 MB each).
export { InFlightInvocations } from "./data-plane/in-flight.js";
export { INVOCATION_ID_HEADER } from "./data-plane/invocation-response.js";
export {
  type HttpObserver,
  type NodeDataPlaneDeps,
  type NodeRequestHandler,
  nodeDataPlane,
} from "./data-plane/node-data-plane.js";
export { guardRuntime } from "./guarded-runtime.js";
export { acceptedRequestId, REQUEST_ID_HEADER } from "./http/request-id.js";
export { DEFAULT_MAX_URL_BYTES, requestTargetBytes } from "./http/url-limit.js";
export { TenantLimiter } from "./quotas/tenant-limiter.js";
