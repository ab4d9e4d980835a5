// The runtime contract: what the gateway and scheduler call to run tenant code.
import type { FunctionConfig, InvocationEvent, InvocationResult } from "@skiff/core";

/** Everything the runtime needs to know about a version, minus its code (fetched once per worker on demand). */
export interface VersionSpec {
  /** Globally unique version id: the isolate cache key. */
  id: string;
  tenant: string;
  functionName: string;
  number: number;
  codeHash: string;
  config: FunctionConfig;
}

export interface InvokeOptions {
  /** Id for the invocation record; generated when absent. */
  invocationId?: string;
  /** Aborting cancels the invocation (client disconnected). */
  signal?: AbortSignal;
}

/** Outcome of compiling code without running it. */
export type CheckResult =
  | { ok: true }
  | { ok: false; error: { message: string; line?: number; column?: number } };

export interface Runtime {
  /**
   * Runs one event. Never throws for tenant-code failures: those come back as an outcome.
   * Throws `SkiffError` only for platform conditions (`TOO_MANY_REQUESTS`, `SHUTTING_DOWN`).
   */
  invoke(version: VersionSpec, event: InvocationEvent, options?: InvokeOptions): Promise<InvocationResult>;
  /** Compiles an ES module in a runtime worker (never the main process) and reports a syntax error with its line. */
  check(code: string): Promise<CheckResult>;
  /** Drops warm isolates of versions that are no longer deployed. */
  evict(versionId: string): void;
  close(): Promise<void>;
}

/** Where the supervisor gets a version's code the first time a worker needs it. */
export type CodeLoader = (version: VersionSpec) => Promise<string>;
