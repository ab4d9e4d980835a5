// What the harness asks of one load-generator process, and what that process reports back.
import type { Summary } from "../stats.js";

export interface LoadSpec {
  /** Origin and default path, e.g. `http://127.0.0.1:8080/hello`. Only loopback addresses are accepted. */
  url: string;
  connections: number;
  /** Measure for this long… */
  durationSeconds?: number;
  /** …or until this many requests have been answered. */
  amount?: number;
  /** Load before measuring (JIT, connection setup, warm isolates); not counted. */
  warmupSeconds?: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Paths each connection cycles through instead of the URL's own (e.g. many functions round-robin). */
  paths?: string[];
  timeoutSeconds?: number;
}

export interface LoadResult {
  /** 2xx responses counted in the measured window. */
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Epoch ms when the measured run began (after any warmup). */
  startedAt: number;
  durationSeconds: number;
  requestsPerSecond: number;
  /** Of 2xx responses, measured with sub-millisecond precision. */
  latencyMs: Summary;
  statusCodes: Record<string, number>;
  /**
   * CPU (user + system) the load-generator process spent on the measured run, so that the server's share of a
   * shared machine can be told from the generator's. Absent from results of generators before it was added.
   */
  generatorCpuMs?: number;
}

/**
 * The line a load generator prints on stdout when its measured run starts (after any warm-up), before the
 * result line: the harness samples the server's CPU from there.
 */
export const MEASURING_LINE = JSON.stringify({ measuring: true });

const LOOPBACK = /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/;

/** Throws for a spec that would send load anywhere but this machine, or is unbounded. */
export function checkLoadSpec(spec: LoadSpec): void {
  if (!LOOPBACK.test(spec.url)) throw new Error(`load is only sent to loopback addresses, not ${spec.url}`);
  if (!Number.isInteger(spec.connections) || spec.connections < 1 || spec.connections > 1000) {
    throw new Error(`connections must be 1-1000, not ${spec.connections}`);
  }
  const bounded =
    (spec.durationSeconds !== undefined && spec.durationSeconds > 0 && spec.durationSeconds <= 600) ||
    (spec.amount !== undefined && Number.isInteger(spec.amount) && spec.amount > 0 && spec.amount <= 1e7);
  if (!bounded) throw new Error("a load run needs durationSeconds (≤ 600) or amount (≤ 10 000 000)");
  if (spec.warmupSeconds !== undefined && !(spec.warmupSeconds >= 0 && spec.warmupSeconds <= 60)) {
    throw new Error("warmupSeconds must be 0-60");
  }
  if (spec.paths !== undefined && (spec.paths.length === 0 || spec.paths.some((p) => !p.startsWith("/")))) {
    throw new Error("paths must be a non-empty list of absolute paths");
  }
}

/** Checks what a load-generator process printed; throws on anything but a well-formed result. */
export function parseLoadResult(text: string): LoadResult {
  const value: unknown = JSON.parse(text);
  if (typeof value !== "object" || value === null) throw new Error("load result is not an object");
  const result = value as Record<string, unknown>;
  for (const key of [
    "requests",
    "non2xx",
    "errors",
    "timeouts",
    "startedAt",
    "durationSeconds",
    "requestsPerSecond",
  ]) {
    if (typeof result[key] !== "number" || !Number.isFinite(result[key])) {
      throw new Error(`load result field ${key} is not a number`);
    }
  }
  const latency = result.latencyMs as Record<string, unknown> | undefined;
  if (typeof latency !== "object" || latency === null) throw new Error("load result latencyMs is missing");
  for (const key of ["count", "min", "mean", "p50", "p99", "max"]) {
    // JSON has no NaN: a run without a single 2xx answer has null figures.
    if (latency[key] === null && key !== "count") latency[key] = Number.NaN;
    if (typeof latency[key] !== "number") throw new Error(`load result latencyMs.${key} is not a number`);
  }
  if (typeof result.statusCodes !== "object" || result.statusCodes === null) {
    throw new Error("load result statusCodes is not an object");
  }
  const cpu = result.generatorCpuMs;
  if (cpu !== undefined && (typeof cpu !== "number" || !Number.isFinite(cpu) || cpu < 0)) {
    throw new Error("load result generatorCpuMs is not a number of milliseconds");
  }
  return result as unknown as LoadResult;
}
