// What the supervisor tells the operator about its workers: exits and restarts, watchdog and RSS kills, and
// the crash attribution that leads to probation, strikes and quarantine.
import type { QuarantineInfo } from "../types.js";
import type { LaneRole } from "./worker-lane.js";

/** A function version named in events: `tenant/function@versionId`. */
export type SuspectLabel = string;

/**
 * Slots: invocation workers are 0..workers-1, the compile-check worker is `workers`, probation workers follow.
 */
export type SupervisorEvent =
  | {
      type: "worker-exit";
      slot: number;
      role: LaneRole;
      pid: number | undefined;
      reason: string;
      inFlight: number;
      /** Functions with an invocation in flight when it died. */
      suspects: SuspectLabel[];
      /** Invocations run again on a probation worker (they had not answered yet and may be innocent). */
      rerun: number;
    }
  /** The replacement starts after `delayMs` (a probation worker: on the next invocation that needs it). */
  | { type: "worker-restart"; slot: number; role: LaneRole; delayMs: number; restarts: number }
  | { type: "watchdog-kill"; slot: number; role: LaneRole; invocationId: string }
  | { type: "rss-kill"; slot: number; role: LaneRole; pid: number | undefined; rssMb: number; capMb: number }
  /** A worker serving the direct data plane answered nothing, not even a ping, for `silentMs`: killed as stuck. */
  | { type: "unresponsive-kill"; slot: number; role: LaneRole; pid: number | undefined; silentMs: number }
  /** The function was alone on a worker that died. */
  | { type: "strike"; tenant: string; functionName: string; versionId: string; strikes: number }
  /** The function runs in a probation worker of its own until `until` (epoch ms). */
  | { type: "probation"; tenant: string; functionName: string; versionId: string; until: number }
  | { type: "quarantined"; info: QuarantineInfo }
  /** The direct data plane's module could not start in an invocation worker: it gets no connections. */
  | { type: "direct-failed"; slot: number; role: LaneRole; pid: number | undefined; message: string };
