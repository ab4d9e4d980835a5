// Cron lag: how long after its scheduled time each cron tick started its invocation.
import type { CronStart } from "@skiff/scheduler";
import { Histogram, type Registry } from "prom-client";
import { LAG_BUCKETS } from "./buckets.js";

export class CronMetrics {
  readonly #lag: Histogram<"tenant" | "function">;

  constructor(registry: Registry) {
    this.#lag = new Histogram({
      name: "skiff_cron_lag_seconds",
      help: "Delay between a cron tick's scheduled time and the start of its invocation",
      labelNames: ["tenant", "function"],
      buckets: LAG_BUCKETS,
      registers: [registry],
    });
  }

  /** For the scheduler's `onCronStarted`. */
  observe(run: CronStart): void {
    const lagMs = run.startedAt - run.scheduledTime;
    this.#lag.observe(
      { tenant: run.tenant, function: run.functionName },
      Number.isFinite(lagMs) && lagMs > 0 ? lagMs / 1000 : 0,
    );
  }
}
