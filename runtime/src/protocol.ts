// Messages between the supervisor (main process) and a runtime worker (child process), over Node IPC
// with the "advanced" serialization so that bodies travel as bytes.
import type { CodeBundle, HeaderList, InvocationEvent, InvocationResult } from "@skiff/core";
import type { EgressPolicy } from "./fetch-types.js";
import type { CheckResult, NotificationChain, VersionSpec } from "./types.js";

export type ToWorker =
  | {
      type: "invoke";
      id: string;
      version: VersionSpec;
      bundle?: CodeBundle;
      event: InvocationEvent;
      eventId?: string;
    }
  | { type: "cancel"; id: string }
  /** The consumer of a streamed response wants more: the worker may resolve the oldest pending chunk. */
  | { type: "chunk-ack"; id: string }
  | { type: "check"; id: string; bundle: CodeBundle }
  | { type: "evict"; versionId: string }
  /** The answer to a binding call the worker forwarded. */
  | { type: "binding-result"; id: string; callId: number; ok: boolean; value: unknown }
  /** The operator's egress policy changed (e.g. the platform's listening address became known). */
  | { type: "egress"; policy: EgressPolicy };

export type FromWorker =
  | { type: "ready"; pid: number }
  /** The handler's response: the whole body, or `body` absent and chunks to follow. */
  | {
      type: "response";
      id: string;
      status: number;
      statusText: string;
      headers: HeaderList;
      body?: Uint8Array;
    }
  | { type: "chunk"; id: string; bytes: Uint8Array }
  | { type: "end"; id: string; error?: string }
  | { type: "result"; id: string; result: InvocationResult }
  | { type: "need-code"; id: string }
  /**
   * Tenant code called a binding (`env.UPLOADS.put(…)`): served by the main process, which owns storage and checks
   * the call against the version's bindings again.
   */
  | {
      type: "binding-call";
      id: string;
      callId: number;
      binding: string;
      op: string;
      args: unknown;
      chain?: NotificationChain;
    }
  | { type: "checked"; id: string; result: CheckResult };
