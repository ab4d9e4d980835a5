export {
  Supervisor,
  type SupervisorEvent,
  type SupervisorOptions,
  slotFor,
} from "./supervisor/supervisor.js";
export type { CheckResult, CodeLoader, InvokeOptions, Runtime, VersionSpec } from "./types.js";
