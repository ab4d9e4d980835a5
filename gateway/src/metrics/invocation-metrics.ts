// Invocation metrics, fed by the invocation bus: one cheap update per finished invocation, whatever its trigger.
import type { InvocationRecord } from "@skiff/core";
import { Counter, Histogram, type Registry } from "prom-client";
import { CPU_BUCKETS, DURATION_BUCKETS } from "./buckets.js";

/** Counts and times every record it is given; subscribe `observe` to the invocation bus. */
export class InvocationMetrics {
  readonly #invocations: Counter<"tenant" | "function" | "trigger" | "outcome">;
  readonly #coldStarts: Counter<"tenant" | "function">;
  readonly #duration: Histogram<"tenant" | "function">;
  readonly #cpu: Histogram<"tenant" | "function">;
  readonly #droppedLogLines: Counter<"tenant" | "function">;
  readonly #egress: Counter<"tenant" | "function">;

  constructor(registry: Registry) {
    const registers = [registry];
    this.#invocations = new Counter({
      name: "skiff_invocations_total",
      help: "Finished invocations by tenant, function, trigger and outcome",
      labelNames: ["tenant", "function", "trigger", "outcome"],
      registers,
    });
    this.#coldStarts = new Counter({
      name: "skiff_cold_starts_total",
      help: "Invocations that needed a new isolate (cold start)",
      labelNames: ["tenant", "function"],
      registers,
    });
    this.#duration = new Histogram({
      name: "skiff_invocation_duration_seconds",
      help: "Wall-clock time of invocations",
      labelNames: ["tenant", "function"],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.#cpu = new Histogram({
      name: "skiff_invocation_cpu_seconds",
      help: "CPU time of invocations",
      labelNames: ["tenant", "function"],
      buckets: CPU_BUCKETS,
      registers,
    });
    this.#droppedLogLines = new Counter({
      name: "skiff_invocation_log_lines_dropped_total",
      help: "console lines dropped past the per-invocation log cap",
      labelNames: ["tenant", "function"],
      registers,
    });
    this.#egress = new Counter({
      name: "skiff_egress_bytes_total",
      help: "Bytes of outbound fetch traffic (bodies sent and received)",
      labelNames: ["tenant", "function"],
      registers,
    });
  }

  observe(record: InvocationRecord): void {
    const fn = { tenant: record.tenant, function: record.functionName };
    this.#invocations.inc({ ...fn, trigger: record.trigger, outcome: record.outcome });
    if (record.cold) this.#coldStarts.inc(fn);
    this.#duration.observe(fn, seconds(record.wallMs));
    this.#cpu.observe(fn, seconds(record.cpuMs));
    if (record.droppedLogLines > 0) this.#droppedLogLines.inc(fn, record.droppedLogLines);
    if (record.egressBytes !== undefined && record.egressBytes > 0) this.#egress.inc(fn, record.egressBytes);
  }
}

/** Milliseconds as seconds; a value the runtime should never send (negative, NaN) counts as 0. */
function seconds(ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0;
}
