// Messages between the supervisor (main process) and a runtime worker (child process), over Node IPC
// with the "advanced" serialization so that bodies travel as bytes. Messages sent in the same turn of the event
// loop travel together as an array (message-batch.ts).
import type { CodeBundle, HeaderList, InvocationEvent, InvocationResult } from "@skiff/core";
import type { EgressPolicy } from "./fetch-types.js";
import type { IsolateCacheStats } from "./supervisor/runtime-stats.js";
import type { CheckResult, NotificationChain, QuarantineInfo, VersionSpec } from "./types.js";

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
  | { type: "stats"; id: number }
  | DirectToWorker;

/** The direct data plane (direct-plane.ts): what the supervisor tells an invocation worker about it. */
export type DirectToWorker =
  /** Import the plane's module and start it; the worker answers `direct-ready` or `direct-failed`. */
  | {
      type: "direct-start";
      module: string;
      config: unknown;
      snapshot: unknown;
      slot: number;
      workers: number;
      /** How long an invocation may wait for a concurrency slot (the supervisor's `maxQueueWaitMs`). */
      maxQueueWaitMs: number;
      /** The quarantines in force now; `direct-quarantine` brings each later change. */
      quarantined: QuarantineInfo[];
    }
  /** Sent alone (never batched) with an accepted connection as its handle. */
  | { type: "direct-connection" }
  | { type: "direct-data"; data: unknown }
  /** Stop accepting; finish what is in flight within `drainMs`, then answer `direct-closed`. */
  | { type: "direct-close"; drainMs: number }
  /** The supervisor's quarantines changed: the whole list now in force. */
  | { type: "direct-quarantine"; list: QuarantineInfo[] }
  /** The answer to the worker's `direct-code`: the bundle, or why it could not be loaded. */
  | { type: "direct-code"; id: number; bundle?: CodeBundle; error?: string }
  /**
   * Versions in probation now (suspects of a worker's death): the worker has the supervisor run their
   * invocations (`direct-invoke`), alone in a probation worker, as it runs its own.
   */
  | { type: "direct-probation"; versionIds: string[] }
  /**
   * A worker running the plane died while invocations may have been in flight unreported (REPORT_AFTER_MS):
   * until `untilMs` (epoch ms), report each direct invocation as it starts, before it runs, so that the next
   * such death names its culprit. Answered by `direct-watching`.
   */
  | { type: "direct-watch"; untilMs: number }
  /** The supervisor heard nothing from the worker for a while: answered by `direct-pong` (plane-liveness.ts). */
  | { type: "direct-ping" }
  /** What became of a `direct-invoke`, as a worker reports its invocations to the supervisor. */
  | {
      type: "direct-invoke-response";
      id: string;
      status: number;
      statusText: string;
      headers: HeaderList;
      body?: Uint8Array;
    }
  | { type: "direct-invoke-chunk"; id: string; bytes: Uint8Array }
  | { type: "direct-invoke-end"; id: string; error?: string }
  | { type: "direct-invoke-result"; id: string; result: InvocationResult }
  /** `Supervisor.invoke` refused it (a SkiffError: TOO_MANY_REQUESTS, FUNCTION_QUARANTINED…). */
  | { type: "direct-invoke-error"; id: string; code: string; message: string };

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
      /**
       * The invocation's spec when the direct plane runs it: the supervisor holds no pending invoke for it, so it
       * serves the call with this spec (the worker is platform code; only its isolates are untrusted).
       */
      version?: VersionSpec;
    }
  | { type: "checked"; id: string; result: CheckResult }
  /** The answer to `stats`: `process.memoryUsage().rss` and the worker's isolate cache. */
  | { type: "stats"; id: number; rssBytes: number; isolates?: IsolateCacheStats }
  | DirectFromWorker;

/** The direct data plane: what an invocation worker tells the supervisor about it. */
export type DirectFromWorker =
  | { type: "direct-ready" }
  | { type: "direct-failed"; message: string }
  | { type: "direct-data"; data: unknown }
  | { type: "direct-closed" }
  /** The answer to `direct-ping`: the worker's event loop runs. */
  | { type: "direct-pong" }
  /** The answer to `direct-watch`: every direct invocation in flight here is reported now, and each new one. */
  | { type: "direct-watching"; untilMs: number }
  /** A direct invocation needs the version's code (cold start); answered by a `direct-code` with the same id. */
  | { type: "direct-code"; id: number; version: VersionSpec }
  /**
   * A direct invocation has run for a while (reported once): the supervisor counts it as a suspect if the worker
   * dies, and kills the worker if it is still running `watchdogGraceMs` past `deadlineMs` (epoch ms: its start
   * plus its timeout plus the waitUntil bound).
   */
  | {
      type: "direct-running";
      id: string;
      tenant: string;
      functionName: string;
      versionId: string;
      deadlineMs: number;
    }
  /** A direct invocation reported by `direct-running` ended. */
  | { type: "direct-ended"; id: string }
  /** A direct invocation of a version in probation, for the supervisor to run (`Supervisor.invoke`). */
  | { type: "direct-invoke"; id: string; version: VersionSpec; event: InvocationEvent; eventId?: string }
  /** The consumer of a `direct-invoke`'s streamed body wants the next chunk. */
  | { type: "direct-invoke-ack"; id: string }
  /** The client of a `direct-invoke` went away. */
  | { type: "direct-invoke-cancel"; id: string };
