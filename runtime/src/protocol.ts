// Messages between the supervisor (main process) and a runtime worker (child process), over Node IPC
// with the "advanced" serialization so that bodies travel as bytes.
import type { InvocationEvent, InvocationResult } from "@skiff/core";
import type { CheckResult, VersionSpec } from "./types.js";

export type ToWorker =
  | { type: "invoke"; id: string; version: VersionSpec; code?: string; event: InvocationEvent }
  | { type: "cancel"; id: string }
  | { type: "check"; id: string; code: string }
  | { type: "evict"; versionId: string };

export type FromWorker =
  | { type: "ready"; pid: number }
  | { type: "result"; id: string; result: InvocationResult }
  | { type: "need-code"; id: string }
  | { type: "checked"; id: string; result: CheckResult };
