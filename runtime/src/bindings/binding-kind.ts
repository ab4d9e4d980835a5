// The contract every binding kind implements (DESIGN §1: a capability given to a version, visible as `env.NAME`).
// A kind lives in its own folder here, like miniflare's plugins: what it puts in `env` when an isolate loads,
// and the host calls its objects may make during an invocation. Adding a kind is one folder and one line in
// `index.ts`; a kind whose env values are objects with methods adds its in-isolate half under prelude/bindings/.
import type { VersionSpec } from "../types.js";
import type { HostCallHandlers } from "../worker/sandbox.js";

export interface BindingKind {
  readonly kind: string;
  /** The `env` entries this kind gives a version: plain, copyable data. */
  env(version: VersionSpec): Record<string, unknown>;
  /** Host calls this kind's objects make, for one invocation (fetch-like work, storage access). */
  hostCalls?(version: VersionSpec, deadline: number): HostCallHandlers;
}
