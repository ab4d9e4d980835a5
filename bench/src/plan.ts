// How much each scenario measures in each mode: quick (`npm run bench`, under 3 minutes on 2 cores), full
// (`--full`, everything, long) and smoke (CI: tiny, only checks that the harness works).

export type Mode = "quick" | "full" | "smoke";
export type BodyKind = "hello" | "echo";
export type ScenarioName = "warm" | "cold" | "memory" | "async" | "cron" | "deploy";

export const SCENARIO_NAMES: readonly ScenarioName[] = ["warm", "cold", "memory", "async", "cron", "deploy"];

export interface BenchPlan {
  mode: Mode;
  warm: { durationSeconds: number; warmupSeconds: number; connections: number[]; bodies: BodyKind[] };
  /** Never-invoked functions per cold-start round. */
  cold: { functions: number };
  memory: {
    /** Warm hello isolates at which RSS is read. */
    levels: number[];
    /** Many deployed functions called round-robin under a small isolate cache bound. */
    roundRobin?: { functions: number; maxIsolatesPerWorker: number; rounds: number };
  };
  /** Events measured, after `warmupEvents` delivered to the same functions and not counted. */
  async: { events: number; warmupEvents: number };
  /** Cron functions firing every minute; whether to wait for an idle minute boundary if none passed. */
  cron: { functions: number; waitForIdleMinute: boolean };
  deploy: { hello: number; bundles: number; bundleBytes: number };
  /** Parallel admin-API deploys when setting up many functions. */
  setupParallelism: number;
}

export function planFor(mode: Mode): BenchPlan {
  switch (mode) {
    case "full":
      return {
        mode,
        warm: { durationSeconds: 10, warmupSeconds: 2, connections: [1, 10, 100], bodies: ["hello", "echo"] },
        cold: { functions: 100 },
        memory: {
          levels: [0, 100, 1000],
          roundRobin: { functions: 10_000, maxIsolatesPerWorker: 500, rounds: 2 },
        },
        async: { events: 10_000, warmupEvents: 2_000 },
        cron: { functions: 100, waitForIdleMinute: true },
        deploy: { hello: 100, bundles: 10, bundleBytes: 1024 * 1024 },
        setupParallelism: 4,
      };
    case "smoke":
      return {
        mode,
        warm: {
          durationSeconds: 0.3,
          warmupSeconds: 0,
          connections: [1, 10, 100],
          bodies: ["hello", "echo"],
        },
        cold: { functions: 3 },
        memory: { levels: [0, 5] },
        async: { events: 20, warmupEvents: 5 },
        cron: { functions: 2, waitForIdleMinute: false },
        deploy: { hello: 2, bundles: 1, bundleBytes: 1024 * 1024 },
        setupParallelism: 4,
      };
    default:
      return {
        mode: "quick",
        warm: {
          durationSeconds: 2,
          warmupSeconds: 0.5,
          connections: [1, 10, 100],
          bodies: ["hello", "echo"],
        },
        cold: { functions: 20 },
        memory: { levels: [0, 100, 300] },
        // Long enough (≈ 2 s) that the figure is the delivery rate, not the ramp of the first cold starts.
        async: { events: 4_000, warmupEvents: 1_000 },
        cron: { functions: 20, waitForIdleMinute: true },
        deploy: { hello: 20, bundles: 3, bundleBytes: 1024 * 1024 },
        setupParallelism: 4,
      };
  }
}
