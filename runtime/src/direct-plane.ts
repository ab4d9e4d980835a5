// The direct data plane: runtime workers that answer HTTP connections themselves, so that a warm request costs
// no hop through the main process (the gateway↔worker IPC wake-ups were the largest cost left on the warm path).
// The main process still accepts each connection (once, not per request) and hands it to a worker; the worker
// runs a module the composition root names (cli's data-plane entry), which gets what it needs from this file's
// `DirectPlaneHost`. The runtime carries the module's messages to and from the main process without reading them.
import type { Socket } from "node:net";
import type { Runtime } from "./types.js";

/** What the composition root asks of `Supervisor.serveDirect`. */
export interface DirectPlaneOptions {
  /** Absolute path of the ES module each invocation worker imports; it exports `startDirectPlane`. */
  module: string;
  /** Plain data (structured-clonable) handed to the module as `host.config`. */
  config: unknown;
  /** The main process's current state for a worker's module that (re)starts: handed to it as `host.snapshot`. */
  snapshot: () => unknown;
  /** What a worker's module sent with `host.send`, with the sending worker's slot. */
  onMessage: (data: unknown, slot: number) => void;
  /**
   * The module in `slot` stopped serving: its worker exited, or the module could not start. A replacement starts
   * from a fresh `snapshot()` and says so through `onMessage` again.
   */
  onStopped?: (slot: number) => void;
}

/** The main process's handle on the direct data plane (`Supervisor.serveDirect`). */
export interface DirectPlane {
  /** How many invocation workers share the plane: each one's quotas are this share of the tenant's. */
  readonly workers: number;
  /**
   * Gives an accepted connection (made with `pauseOnConnect`) to the next invocation worker whose module is
   * ready, round-robin; destroys it when none is. The main process keeps no copy of it.
   */
  hand(socket: Socket): void;
  /** Sends data to the module in every invocation worker (a route or quota change). */
  broadcast(data: unknown): void;
  /** Stops handing connections; each worker's module stops accepting and finishes within `drainMs`. */
  close(drainMs: number): Promise<void>;
}

/** What a worker gives the module it imports. */
export interface DirectPlaneHost {
  /** `DirectPlaneOptions.config`, as the composition root gave it. */
  config: unknown;
  /** `DirectPlaneOptions.snapshot()`, taken when this worker's module was started. */
  snapshot: unknown;
  /** This worker's invocation slot (0-based) and how many there are. */
  slot: number;
  workers: number;
  /**
   * Runs events in this worker's own isolates, with the `Runtime.invoke` contract: quarantined versions are
   * refused (`FUNCTION_QUARANTINED`), each function gets its share (÷ `workers`, rounded up) of its concurrency,
   * a version's code is fetched from the main process the first time, binding calls go to the main process.
   */
  runtime: Pick<Runtime, "invoke">;
  /** Sends data to `DirectPlaneOptions.onMessage` in the main process (batched with the turn's other IPC). */
  send(data: unknown): void;
}

/** What the module's `startDirectPlane(host)` resolves to. */
export interface DirectPlaneInstance {
  /** A connection the main process accepted and handed over, still paused. */
  connection(socket: Socket): void;
  /** Data the main process broadcast. */
  message(data: unknown): void;
  /** Stops taking requests; requests in flight finish within `drainMs`, then their connections are cut. */
  close(drainMs: number): Promise<void>;
}

/** The module named by `DirectPlaneOptions.module`. */
export interface DirectPlaneModule {
  startDirectPlane(host: DirectPlaneHost): Promise<DirectPlaneInstance>;
}
