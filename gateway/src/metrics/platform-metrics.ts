// The gateway's Prometheus registry (one per gateway, never prom-client's global one) and what feeds it:
// invocations from the bus, HTTP requests from a middleware, runtime and cron events from their hooks, and on
// each scrape a sample of the runtime's workers, the async backlog and the invocation writer.
import type { RuntimeStats, SupervisorEvent } from "@skiff/runtime";
import type { CronStart } from "@skiff/scheduler";
import type { BacklogRepository } from "@skiff/storage";
import type { Logger } from "pino";
import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { InvocationBus } from "../observe/invocation-bus.js";
import { BacklogMetrics } from "./backlog-metrics.js";
import { CronMetrics } from "./cron-metrics.js";
import { HttpMetrics } from "./http-metrics.js";
import { InvocationMetrics } from "./invocation-metrics.js";
import type { RouteKind } from "./route-kind.js";
import { RuntimeMetrics } from "./runtime-metrics.js";
import { SampledCounter } from "./sampled-counter.js";

export interface PlatformMetricsOptions {
  invocations: InvocationBus;
  backlog: BacklogRepository;
  /** The invocation writer's totals: records lost and records waiting. */
  writer: { readonly dropped: number; readonly pending: number };
  /** The supervisor's `stats()`; without it the worker and isolate cache metrics stay empty. */
  runtimeStats?: (() => Promise<RuntimeStats>) | undefined;
  logger: Logger;
  now: () => number;
  /**
   * Also Node's process metrics (CPU, memory, event loop lag, GC) under their usual names. Off by default: they
   * keep an event-loop monitor and a GC observer running, one set per registry.
   */
  processMetrics?: boolean;
}

export class PlatformMetrics {
  readonly registry = new Registry();
  readonly #options: PlatformMetricsOptions;
  readonly #runtime: RuntimeMetrics;
  readonly #backlog: BacklogMetrics;
  readonly #cron: CronMetrics;
  readonly #http: HttpMetrics;
  readonly #recordsDropped: SampledCounter;
  readonly #recordsPending: Gauge;
  readonly #sampleFailures: Counter<"source">;
  readonly #unsubscribe: () => void;

  constructor(options: PlatformMetricsOptions) {
    this.#options = options;
    const registry = this.registry;
    const invocations = new InvocationMetrics(registry);
    this.#unsubscribe = options.invocations.subscribe((record) => invocations.observe(record));
    this.#runtime = new RuntimeMetrics(registry);
    this.#backlog = new BacklogMetrics(registry);
    this.#cron = new CronMetrics(registry);
    this.#http = new HttpMetrics(registry);
    const dropped = new Counter({
      name: "skiff_invocation_records_dropped_total",
      help: "Invocation records lost (storage failed or the write buffer overflowed)",
      registers: [registry],
    });
    this.#recordsDropped = new SampledCounter((delta) => dropped.inc(delta));
    this.#recordsPending = new Gauge({
      name: "skiff_invocation_records_pending",
      help: "Invocation records waiting to be written",
      registers: [registry],
    });
    this.#sampleFailures = new Counter({
      name: "skiff_metrics_sample_failures_total",
      help: "Scrapes that could not sample a source (runtime, backlog); its metrics kept their last values",
      labelNames: ["source"],
      registers: [registry],
    });
    if (options.processMetrics) collectDefaultMetrics({ register: registry });
  }

  /** The Content-Type of `render()`'s text (Prometheus text format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Samples what is sampled on scrape, then renders every metric. Never rejects for a failed sample. */
  async render(): Promise<string> {
    const { runtimeStats, backlog, writer, now } = this.#options;
    await Promise.all([
      runtimeStats === undefined
        ? undefined
        : this.#sample("runtime", async () => this.#runtime.sample(await runtimeStats())),
      this.#sample("backlog", async () => this.#backlog.sample(await backlog.sample(), now())),
    ]);
    this.#recordsDropped.sample(new Map([["writer", writer.dropped]]));
    this.#recordsPending.set(writer.pending);
    return this.registry.metrics();
  }

  /** One HTTP request answered (by the Node data plane or the data plane's Hono chain): the RED metrics. */
  observeHttp(route: RouteKind, method: string, status: number, seconds: number): void {
    this.#http.observe(route, method, status, seconds);
  }

  /** For the supervisor's `onEvent`: restarts, kills, quarantines. */
  observeRuntimeEvent(event: SupervisorEvent): void {
    this.#runtime.observeEvent(event);
  }

  /** For the scheduler's `onCronStarted`: cron lag. */
  observeCronStart(run: CronStart): void {
    this.#cron.observe(run);
  }

  /** Stops listening to the invocation bus. */
  close(): void {
    this.#unsubscribe();
  }

  async #sample(source: string, sample: () => Promise<void>): Promise<void> {
    try {
      await sample();
    } catch (err) {
      this.#sampleFailures.inc({ source });
      this.#options.logger.warn({ err, source }, "could not sample metrics");
    }
  }
}
