// What a runtime worker's direct data plane needs of the gateway, and nothing else: importing the package's main
// entry would load the admin API, the dashboard, S3 and their schemas into every worker (≈ 0.4 s, 50 MB each).
export { useDataPlaneChain } from "./data-plane/data-plane-chain.js";
export { InFlightInvocations } from "./data-plane/in-flight.js";
export { INVOCATION_ID_HEADER } from "./data-plane/invocation-response.js";
export {
  type HttpObserver,
  type NodeDataPlaneDeps,
  type NodeRequestHandler,
  nodeDataPlane,
} from "./data-plane/node-data-plane.js";
export { errorResponse } from "./error-handler.js";
export { guardRuntime } from "./guarded-runtime.js";
export { DEFAULT_MAX_URL_BYTES } from "./http/url-limit.js";
export { TenantLimiter } from "./quotas/tenant-limiter.js";
