// What the supervisor reports about its runtime workers and their isolate caches, for metrics and operators.
import type { LaneRole } from "./worker-lane.js";

/** One worker's warm isolate cache (its IsolatePool); counters start at 0 when the worker starts. */
export interface IsolateCacheStats {
  idle: number;
  busy: number;
  /** Estimated heap of every pooled isolate. */
  heapBytes: number;
  /** Invocations that found a warm isolate. */
  hits: number;
  /** Invocations that needed a cold start. */
  misses: number;
  /** Isolates dropped from the cache (bounds, idle time, redeploys). */
  evictions: number;
  /** Warm invocations whose first slice ran synchronously (absent from workers that do not say). */
  syncSlices?: number;
  /** Of those, the ones that finished within that slice. */
  syncFinished?: number;
  /** Synchronous slices stopped by their timeout. */
  cutSlices?: number;
  /** Invocations run again asynchronously after a cut slice. */
  reruns?: number;
}

export interface WorkerStats {
  slot: number;
  role: LaneRole;
  /** The worker process now, undefined while none runs in the slot (a probation slot at rest, a restart). */
  pid: number | undefined;
  /** Workers that replaced a crashed one in this slot since the supervisor started. */
  restarts: number;
  /** Undefined when the worker did not answer in time (busy, starting, gone). */
  rssBytes?: number;
  isolates?: IsolateCacheStats;
}

export interface RuntimeStats {
  workers: WorkerStats[];
}
