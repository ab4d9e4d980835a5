// Runtime metrics: worker restarts and kills from the supervisor's events as they happen; workers, their memory
// and their isolate caches sampled from `Supervisor.stats()` on each scrape.
import type { RuntimeStats, SupervisorEvent } from "@skiff/runtime";
import { Counter, Gauge, type Registry } from "prom-client";
import { SampledCounter } from "./sampled-counter.js";

export class RuntimeMetrics {
  readonly #restarts: Counter<"role">;
  readonly #kills: Counter<"role" | "reason">;
  readonly #quarantines: Counter;
  readonly #workers: Gauge<"role">;
  readonly #rss: Gauge<"slot" | "role">;
  readonly #isolates: Gauge<"state">;
  readonly #heap: Gauge;
  readonly #hits: SampledCounter;
  readonly #misses: SampledCounter;
  readonly #evictions: SampledCounter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.#restarts = new Counter({
      name: "skiff_runtime_worker_restarts_total",
      help: "Runtime workers started to replace one that died",
      labelNames: ["role"],
      registers,
    });
    this.#kills = new Counter({
      name: "skiff_runtime_worker_kills_total",
      help: "Runtime workers killed by the supervisor: watchdog (an invocation past its deadline), rss (over the cap) or unresponsive (a direct data plane worker that answered nothing)",
      labelNames: ["role", "reason"],
      registers,
    });
    this.#quarantines = new Counter({
      name: "skiff_function_quarantines_total",
      help: "Functions quarantined after crashing their runtime worker repeatedly",
      registers,
    });
    this.#workers = new Gauge({
      name: "skiff_runtime_workers",
      help: "Runtime worker processes running now, by role (invocations, check, probation)",
      labelNames: ["role"],
      registers,
    });
    this.#rss = new Gauge({
      name: "skiff_runtime_worker_rss_bytes",
      help: "Resident memory of each runtime worker",
      labelNames: ["slot", "role"],
      registers,
    });
    this.#isolates = new Gauge({
      name: "skiff_isolates",
      help: "Isolates in the runtime workers' caches: idle (warm, waiting) or busy (running an invocation)",
      labelNames: ["state"],
      registers,
    });
    this.#heap = new Gauge({
      name: "skiff_isolate_heap_bytes",
      help: "Estimated heap of every cached isolate",
      registers,
    });
    const counter = (name: string, help: string) => {
      const metric = new Counter({ name, help, registers });
      return new SampledCounter((delta) => metric.inc(delta));
    };
    this.#hits = counter("skiff_isolate_cache_hits_total", "Invocations that found a warm isolate");
    this.#misses = counter("skiff_isolate_cache_misses_total", "Invocations that needed a new isolate");
    this.#evictions = counter("skiff_isolate_cache_evictions_total", "Isolates dropped from the cache");
  }

  /** For the supervisor's `onEvent`. */
  observeEvent(event: SupervisorEvent): void {
    switch (event.type) {
      case "worker-restart":
        this.#restarts.inc({ role: event.role });
        return;
      case "watchdog-kill":
        this.#kills.inc({ role: event.role, reason: "watchdog" });
        return;
      case "rss-kill":
        this.#kills.inc({ role: event.role, reason: "rss" });
        return;
      case "unresponsive-kill":
        this.#kills.inc({ role: event.role, reason: "unresponsive" });
        return;
      case "quarantined":
        this.#quarantines.inc();
        return;
      default:
        return;
    }
  }

  sample(stats: RuntimeStats): void {
    this.#workers.reset();
    this.#rss.reset();
    let idle = 0;
    let busy = 0;
    let heapBytes = 0;
    const hits = new Map<string, number>();
    const misses = new Map<string, number>();
    const evictions = new Map<string, number>();
    for (const worker of stats.workers) {
      if (worker.pid === undefined) continue;
      this.#workers.inc({ role: worker.role });
      if (worker.rssBytes !== undefined) {
        this.#rss.set({ slot: String(worker.slot), role: worker.role }, worker.rssBytes);
      }
      const cache = worker.isolates;
      if (cache === undefined) continue;
      idle += cache.idle;
      busy += cache.busy;
      heapBytes += cache.heapBytes;
      const source = `${worker.slot}:${worker.pid}`;
      hits.set(source, cache.hits);
      misses.set(source, cache.misses);
      evictions.set(source, cache.evictions);
    }
    this.#isolates.set({ state: "idle" }, idle);
    this.#isolates.set({ state: "busy" }, busy);
    this.#heap.set(heapBytes);
    this.#hits.sample(hits);
    this.#misses.sample(misses);
    this.#evictions.sample(evictions);
  }
}
