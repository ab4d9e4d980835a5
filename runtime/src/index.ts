export type {
  DirectPlane,
  DirectPlaneHost,
  DirectPlaneInstance,
  DirectPlaneModule,
  DirectPlaneOptions,
} from "./direct-plane.js";
export { DEFAULT_EGRESS_POLICY } from "./egress-defaults.js";
export type { EgressPolicy, PlainFetchRequest, PlainFetchResponse } from "./fetch-types.js";
export type { IsolateCacheStats, RuntimeStats, WorkerStats } from "./supervisor/runtime-stats.js";
export {
  Supervisor,
  type SupervisorEvent,
  type SupervisorOptions,
  slotFor,
} from "./supervisor/supervisor.js";
export type {
  BindingCall,
  BindingHost,
  CancelSignal,
  CheckResult,
  CodeLoader,
  InvokeOptions,
  NotificationChain,
  QuarantineInfo,
  Runtime,
  StreamingResponse,
  VersionSpec,
} from "./types.js";
export { validateAllowedHosts } from "./worker/egress/allow-list.js";
export { parsePlainFetchRequest } from "./worker/egress/plain-request.js";
