// Invocation metrics, fed by the invocation bus: one cheap update per finished invocation, whatever its trigger.
import type { InvocationRecord } from "@skiff/core";
import type { Registry } from "prom-client";
import { CPU_BUCKETS, DURATION_BUCKETS } from "./buckets.js";
import {
  type CounterSeries,
  type HistogramSeries,
  SeriesCounter,
  SeriesHistogram,
} from "./series-metrics.js";

/** One function's series, found once per record by a single Map lookup. */
interface FunctionSeries {
  /** By `${trigger}\u0000${outcome}`. */
  invocations: Map<string, CounterSeries>;
  coldStarts: CounterSeries;
  duration: HistogramSeries;
  cpu: HistogramSeries;
  droppedLogLines: CounterSeries;
  egress: CounterSeries;
}

/** Counts and times every record it is given; subscribe `observe` to the invocation bus. */
export class InvocationMetrics {
  readonly #invocations: SeriesCounter<"tenant" | "function" | "trigger" | "outcome">;
  readonly #coldStarts: SeriesCounter<"tenant" | "function">;
  readonly #duration: SeriesHistogram<"tenant" | "function">;
  readonly #cpu: SeriesHistogram<"tenant" | "function">;
  readonly #droppedLogLines: SeriesCounter<"tenant" | "function">;
  readonly #egress: SeriesCounter<"tenant" | "function">;
  readonly #functions = new Map<string, FunctionSeries>();

  constructor(registry: Registry) {
    const registers = [registry];
    this.#invocations = new SeriesCounter({
      name: "skiff_invocations_total",
      help: "Finished invocations by tenant, function, trigger and outcome",
      labelNames: ["tenant", "function", "trigger", "outcome"],
      registers,
    });
    this.#coldStarts = new SeriesCounter({
      name: "skiff_cold_starts_total",
      help: "Invocations that needed a new isolate (cold start)",
      labelNames: ["tenant", "function"],
      registers,
    });
    this.#duration = new SeriesHistogram({
      name: "skiff_invocation_duration_seconds",
      help: "Wall-clock time of invocations",
      labelNames: ["tenant", "function"],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.#cpu = new SeriesHistogram({
      name: "skiff_invocation_cpu_seconds",
      help: "CPU time of invocations",
      labelNames: ["tenant", "function"],
      buckets: CPU_BUCKETS,
      registers,
    });
    this.#droppedLogLines = new SeriesCounter({
      name: "skiff_invocation_log_lines_dropped_total",
      help: "console lines dropped past the per-invocation log cap",
      labelNames: ["tenant", "function"],
      registers,
    });
    this.#egress = new SeriesCounter({
      name: "skiff_egress_bytes_total",
      help: "Bytes of outbound fetch traffic (bodies sent and received)",
      labelNames: ["tenant", "function"],
      registers,
    });
  }

  observe(record: InvocationRecord): void {
    const fn = this.#series(record.tenant, record.functionName);
    const kind = `${record.trigger}\u0000${record.outcome}`;
    let invocations = fn.invocations.get(kind);
    if (invocations === undefined) {
      invocations = this.#invocations.series({
        tenant: record.tenant,
        function: record.functionName,
        trigger: record.trigger,
        outcome: record.outcome,
      });
      fn.invocations.set(kind, invocations);
    }
    invocations.inc();
    if (record.cold) fn.coldStarts.inc();
    fn.duration.observe(seconds(record.wallMs));
    fn.cpu.observe(seconds(record.cpuMs));
    if (record.droppedLogLines > 0) fn.droppedLogLines.inc(record.droppedLogLines);
    if (record.egressBytes !== undefined && record.egressBytes > 0) fn.egress.inc(record.egressBytes);
  }

  /**
   * A function's series. A series appears in the output once it is created, so the counters that are not
   * always incremented (cold starts, dropped lines, egress) are created when first incremented, as before.
   */
  #series(tenant: string, functionName: string): FunctionSeries {
    const key = `${tenant}\u0000${functionName}`;
    let series = this.#functions.get(key);
    if (series === undefined) {
      const labels = { tenant, function: functionName };
      const lazy = (counter: SeriesCounter<"tenant" | "function">): CounterSeries => {
        let created: CounterSeries | undefined;
        return {
          inc: (value) => {
            created ??= counter.series(labels);
            created.inc(value);
          },
        };
      };
      series = {
        invocations: new Map(),
        coldStarts: lazy(this.#coldStarts),
        duration: this.#duration.series(labels),
        cpu: this.#cpu.series(labels),
        droppedLogLines: lazy(this.#droppedLogLines),
        egress: lazy(this.#egress),
      };
      this.#functions.set(key, series);
    }
    return series;
  }
}

/** Milliseconds as seconds; a value the runtime should never send (negative, NaN) counts as 0. */
function seconds(ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0;
}
