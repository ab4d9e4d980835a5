// The shape of a benchmark run's results: what the JSON output holds and BENCHMARKS.md is rendered from.
import type { MachineInfo } from "./machine.js";
import type { PeerName } from "./peers/peer.js";
import type { BenchPlan, BodyKind } from "./plan.js";
import type { Summary } from "./stats.js";

export interface WarmRun {
  peer: PeerName;
  body: BodyKind;
  connections: number;
  requestsPerSecond: number;
  latencyMs: Summary;
  non2xx: number;
  errors: number;
  timeouts: number;
  /**
   * CPU of the peer's whole process tree over the measured window ÷ the requests answered in it (2xx and
   * non-2xx), in µs; absent in results recorded before it was measured, or when the tree could not be read.
   */
  serverCpuUsPerRequest?: number;
  /** The server's CPU seconds ÷ the wall seconds they were read over: how many cores it kept busy. */
  serverCores?: number;
  /** The load generator's own CPU over the measured run ÷ the same requests, in µs. */
  generatorCpuUsPerRequest?: number;
}

export interface WarmPeerResult {
  peer: PeerName;
  label: string;
  runs: WarmRun[];
  /** RSS of the peer's whole process tree right after its runs. */
  rssMiB?: number;
  error?: string;
}

export type ColdRoundName = "after-deploy" | "restart-with-cache" | "restart-without-cache";

export interface ColdRound {
  round: ColdRoundName;
  /** First request to each never-invoked function, as the client saw it. */
  clientMs: Summary;
  /** The invocation records' wall time and CPU time (cold setup + handler, inside the runtime). */
  serverWallMs: Summary;
  serverCpuMs: Summary;
  /** Records that said the invocation was cold (should be all of them). */
  coldRecords: number;
  /** The uncounted primer requests that went first after the (re)start, in order. */
  firstRequestsMs: number[];
}

export interface ColdResult {
  functions: number;
  rounds: ColdRound[];
  /** What the invocation records expose of the server-side split. */
  serverSplit: string;
  /** The runtime's own cold-start phases, timed in-process on real isolates (scenarios/cold-split.ts). */
  split?: ColdSplit;
}

/** Wall ms of each phase of a cold start inside one process, over `samples` hello functions. */
export interface ColdSplit {
  samples: number;
  /** A cold start on a new isolate: everything on the request path. */
  scratch: {
    isolateMs: Summary;
    preludeMs: Summary;
    compileMs: Summary;
    handlerMs: Summary;
    totalMs: Summary;
  };
  /** A cold start from a spare made ahead (as the runtime serves one): only compile and handler on the path. */
  spare: {
    isolateMs: Summary;
    preludeMs: Summary;
    warmUpMs: Summary;
    compileMs: Summary;
    handlerMs: Summary;
    totalMs: Summary;
  };
  /** The one-off run per worker that makes the prelude's code cache carry compiled functions. */
  preludeCacheMs: number;
}

export interface MemoryLevel {
  isolates: number;
  rssMiB: number;
  processes: number;
}

export interface RoundRobinResult {
  functions: number;
  maxIsolatesPerWorker: number;
  requests: number;
  failed: number;
  /** RSS samples (MiB) taken while the calls ran. */
  samplesMiB: number[];
  peakFirstHalfMiB: number;
  peakSecondHalfMiB: number;
  bounded: boolean;
}

export interface MemoryResult {
  levels: MemoryLevel[];
  /** RSS added per additional warm isolate between consecutive levels. */
  perIsolateMiB: Array<{ from: number; to: number; mib: number }>;
  roundRobin?: RoundRobinResult;
}

export interface AsyncResult {
  events: number;
  functions: number;
  /** 202s per second as the producer saw them. */
  enqueuedPerSecond: number;
  /** Events from the first enqueue to the last handler completion, per second. */
  deliveredPerSecond: number;
  seconds: number;
  failedOutcomes: number;
  /** Events delivered first to the same functions, not counted (as warm HTTP runs have a warm-up). */
  warmupEvents: number;
  /** The warm-up's own delivered rate: the figure from a cold start of the platform's paths. */
  warmupDeliveredPerSecond: number;
}

export interface CronResult {
  functions: number;
  /** Lag (handler start − scheduled time, ms) of runs due while the machine was idle. */
  idleLagMs: Summary;
  /** …and of runs due while other benchmark load ran. */
  busyLagMs: Summary;
}

export interface DeployResult {
  helloMs: Summary;
  bundleMs: Summary;
  bundleBytes: number;
}

export interface TargetResult {
  id: string;
  /** What is compared, e.g. "Skiff / workerd req/s, hello, c=100". */
  label: string;
  figure: number | null;
  unit: string;
  goal: string;
  met: boolean | null;
}

export interface BenchReport {
  mode: BenchPlan["mode"];
  machine: MachineInfo;
  plan: BenchPlan;
  peers: PeerName[];
  warm?: WarmPeerResult[];
  cold?: ColdResult;
  memory?: MemoryResult;
  async?: AsyncResult;
  cron?: CronResult;
  deploy?: DeployResult;
  targets: TargetResult[];
  /** Scenarios that failed, with why; their sections are absent. */
  errors: string[];
  elapsedSeconds: number;
}
