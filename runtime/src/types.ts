// The runtime contract: what the gateway and scheduler call to run tenant code.
import type {
  Binding,
  CodeBundle,
  FunctionConfig,
  HeaderList,
  InvocationEvent,
  InvocationResult,
} from "@skiff/core";

/** Everything the runtime needs to know about a version, minus its code (fetched once per worker on demand). */
export interface VersionSpec {
  /** Globally unique version id: the isolate cache key. */
  id: string;
  tenant: string;
  functionName: string;
  number: number;
  codeHash: string;
  config: FunctionConfig;
  /** Decrypted secret values by name; with `config.vars` they make the isolate's `env`. */
  secrets?: Record<string, string>;
  /**
   * The tenant's policy on compiling strings (`eval`, `new Function`); absent means allowed. A change needs the
   * version's isolates evicted, since they were made under the old policy.
   */
  allowCodeGeneration?: boolean;
}

/** A function stopped after crashing its runtime worker repeatedly (3 times within 5 minutes). */
export interface QuarantineInfo {
  tenant: string;
  functionName: string;
  /** The version that crashed; a deploy of another version lifts the quarantine. */
  versionId: string;
  /** Epoch ms. */
  since: number;
  crashes: number;
  reason: string;
}

/** An HTTP response as soon as the handler produced it; the body may still be streaming. */
export interface StreamingResponse {
  status: number;
  statusText: string;
  headers: HeaderList;
  body: Uint8Array | ReadableStream<Uint8Array>;
}

/**
 * What `invoke` asks of a cancellation signal: an `AbortSignal` has it, and so has the gateway's lighter
 * per-request one (an `AbortSignal` per request cost ≈ 5 % of the main process on the warm path).
 */
export interface CancelSignal {
  readonly aborted: boolean;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

export interface InvokeOptions {
  /** Id for the invocation record; generated when absent. */
  invocationId?: string;
  /** Aborting cancels the invocation (client disconnected). */
  signal?: CancelSignal;
  /**
   * The stable id of the async event being delivered (the producer's idempotency key, else the queue's id): the
   * same on every retry, so handlers can deduplicate. Lambda handlers see it as `context.awsRequestId`.
   */
  eventId?: string;
  /**
   * Called once, as soon as an HTTP handler returned its Response, before the body has finished streaming and
   * before `ctx.waitUntil` work ends; `invoke` itself resolves only when everything ended.
   */
  onResponse?: (response: StreamingResponse) => void;
  /**
   * The chain this invocation continues (a service binding call: the caller's chain, one hop further). Its binding
   * calls carry it, so the next service call or notified write counts from here. Absent: the event's own chain
   * (storage notifications), else none.
   */
  chain?: NotificationChain;
}

/** Outcome of compiling code without running it. */
export type CheckResult =
  | { ok: true }
  | { ok: false; error: { message: string; module?: string; line?: number; column?: number } };

export interface Runtime {
  /**
   * Runs one event. Never throws for tenant-code failures: those come back as an outcome.
   * Throws `SkiffError` only for platform conditions (`TOO_MANY_REQUESTS`, `SHUTTING_DOWN`).
   */
  invoke(version: VersionSpec, event: InvocationEvent, options?: InvokeOptions): Promise<InvocationResult>;
  /**
   * Compiles every module of a bundle in a runtime worker (never the main process) and checks that imports
   * resolve; reports the first error with its module and line.
   */
  check(bundle: CodeBundle): Promise<CheckResult>;
  /** Drops warm isolates of versions that are no longer deployed. */
  evict(versionId: string): void;
  /** Functions quarantined now; `invoke` answers `FUNCTION_QUARANTINED` for their quarantined version. */
  quarantined(): QuarantineInfo[];
  /** Puts a function in quarantine (used to restore quarantines kept in storage after a restart). */
  quarantine(info: QuarantineInfo): void;
  /** Lifts a function's quarantine (an operator decision, or a deploy of a new version). */
  liftQuarantine(tenant: string, functionName: string): void;
  close(): Promise<void>;
}

/**
 * The chain of invocations one belongs to: the recursion guard shared by storage notifications and service
 * bindings. Each notified write and each service binding call adds a hop; past 16 the next one is stopped.
 */
export interface NotificationChain {
  id: string;
  hops: number;
}

/** A binding call from tenant code, checked against the version's bindings, for the main process to serve. */
export interface BindingCall {
  version: VersionSpec;
  binding: Binding;
  op: string;
  /** Untrusted data from the isolate: validate every field. */
  args: unknown;
  chain?: NotificationChain;
  /** The calling invocation (a service binding call links the invocation it starts to it). */
  invocationId?: string;
}

/** Serves binding calls (buckets, KV) in the main process, which owns storage. Resolves plain, copyable data. */
export type BindingHost = (call: BindingCall) => Promise<unknown>;

/** Where the supervisor gets a version's code the first time a worker needs it. */
export type CodeLoader = (version: VersionSpec) => Promise<CodeBundle>;
