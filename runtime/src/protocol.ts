// Messages between the supervisor (main process) and a runtime worker (child process), over Node IPC
// with the "advanced" serialization so that bodies travel as bytes. Messages sent in the same turn of the event
// loop travel together as an array (message-batch.ts).
import type { CodeBundle, HeaderList, InvocationEvent, InvocationResult } from "@skiff/core";
import type { EgressPolicy } from "./fetch-types.js";
import type { IsolateCacheStats } from "./supervisor/runtime-stats.js";
import type { CheckResult, NotificationChain, VersionSpec } from "./types.js";

export type ToWorker =
  | {
      type: "invoke";
      id: string;
      /** The supervisor's number for the version spec (spec-registry.ts). */
      specId: number;
      /**
       * The spec itself, the first time this worker gets it (or again after it asked with `need-code`); later
       * invokes carry only `specId`.
       */
      version?: VersionSpec;
      bundle?: CodeBundle;
      event: InvocationEvent;
      eventId?: string;
      /** The chain the invocation continues (service binding calls); its binding calls carry it. */
      chain?: NotificationChain;
    }
  | { type: "cancel"; id: string }
  /** The consumer of a streamed response wants more: the worker may resolve the oldest pending chunk. */
  | { type: "chunk-ack"; id: string }
  | { type: "check"; id: string; bundle: CodeBundle }
  | { type: "evict"; versionId: string }
  /** The answer to a binding call the worker forwarded. */
  | { type: "binding-result"; id: string; callId: number; ok: boolean; value: unknown }
  /** The operator's egress policy changed (e.g. the platform's listening address became known). */
  | { type: "egress"; policy: EgressPolicy }
  /** Where /proc cannot tell: the supervisor asks for the worker's resident memory (RSS hard cap). */
  | { type: "stats"; id: number };

export type FromWorker =
  | { type: "ready"; pid: number }
  /**
   * The handler's response when it went out before the invocation ended: the whole body, or `body` absent and
   * chunks to follow. A response whose whole body was known when the handler returned comes inside `result`.
   */
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
  /** The worker lacks the version's spec or its code (it dropped them): send the invoke again with both. */
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
  | { type: "checked"; id: string; result: CheckResult }
  /** The answer to `stats`: `process.memoryUsage().rss` and the worker's isolate cache. */
  | { type: "stats"; id: number; rssBytes: number; isolates?: IsolateCacheStats };
