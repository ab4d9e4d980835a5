// Counters and histograms for the per-request path: a label set is looked up once (one Map get on a joined
// key) and then updated in place, where prom-client's own metrics hash and validate the labels on every call
// (≈ 5 µs each, several per request). They register in a prom-client Registry like its own metrics and render
// the same Prometheus text.
import type { Registry } from "prom-client";

/** One sample line as the Registry renders it: `metricName{labels} value`. */
interface Sample {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/** What `get()` returns, in the shape of prom-client's own metrics. */
interface Rendered {
  name: string;
  help: string;
  type: "counter" | "histogram";
  values: Sample[];
  aggregator: "sum";
}

interface SeriesOptions<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  registers: Registry[];
}

type Labels<L extends string> = Record<L, string>;

/** What a prom-client Registry asks of a metric it renders (`registerMetric`, `metrics()`, `resetMetrics()`). */
abstract class SeriesMetric<L extends string, S> {
  readonly name: string;
  readonly help: string;
  abstract readonly type: Rendered["type"];
  readonly aggregator = "sum" as const;
  readonly #labelNames: readonly L[];
  #series = new Map<string, { labels: Labels<L>; state: S }>();

  constructor(options: SeriesOptions<L>) {
    this.name = options.name;
    this.help = options.help;
    this.#labelNames = options.labelNames;
    for (const registry of options.registers) registry.registerMetric(this as never);
  }

  protected abstract newState(): S;

  /** The state of one label set, created on first use; keep it to update the series without a lookup. */
  protected state(labels: Labels<L>): S {
    let key = "";
    for (const name of this.#labelNames) key += `${labels[name]}\u0000`;
    let entry = this.#series.get(key);
    if (entry === undefined) {
      const copy = {} as Labels<L>;
      for (const name of this.#labelNames) copy[name] = String(labels[name]);
      entry = { labels: copy, state: this.newState() };
      this.#series.set(key, entry);
    }
    return entry.state;
  }

  protected entries(): Iterable<{ labels: Labels<L>; state: S }> {
    return this.#series.values();
  }

  reset(): void {
    this.#series = new Map();
  }

  abstract get(): Promise<Rendered>;
}

/** A counter series: `inc` adds to it. */
export interface CounterSeries {
  inc(value?: number): void;
}

/**
 * @example
 * const requests = new SeriesCounter({ name: "x_total", help: "…", labelNames: ["route"], registers: [registry] });
 * const fn = requests.series({ route: "function" }); fn.inc();
 */
export class SeriesCounter<L extends string> extends SeriesMetric<L, { value: number }> {
  readonly type = "counter";

  protected newState() {
    return { value: 0 };
  }

  series(labels: Labels<L>): CounterSeries {
    const state = this.state(labels);
    return {
      inc: (value = 1) => {
        state.value += checkedIncrement(value);
      },
    };
  }

  inc(labels: Labels<L>, value = 1): void {
    this.state(labels).value += checkedIncrement(value);
  }

  async get(): Promise<Rendered> {
    const values: Sample[] = [];
    for (const { labels, state } of this.entries()) values.push({ value: state.value, labels });
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}

interface HistogramState {
  /** Observations per bucket (not cumulative), one more than the bounds for +Inf. */
  buckets: number[];
  sum: number;
  count: number;
}

/** A histogram series: `observe` records one value in it. */
export interface HistogramSeries {
  observe(value: number): void;
}

/** Buckets are upper bounds, `le` inclusive, as prom-client's. */
export class SeriesHistogram<L extends string> extends SeriesMetric<L, HistogramState> {
  readonly type = "histogram";
  readonly #bounds: readonly number[];

  constructor(options: SeriesOptions<L> & { buckets: readonly number[] }) {
    super(options);
    this.#bounds = [...options.buckets].sort((a, b) => a - b);
  }

  protected newState(): HistogramState {
    return { buckets: new Array(this.#bounds.length + 1).fill(0), sum: 0, count: 0 };
  }

  series(labels: Labels<L>): HistogramSeries {
    const state = this.state(labels);
    return { observe: (value) => this.#record(state, value) };
  }

  observe(labels: Labels<L>, value: number): void {
    this.#record(this.state(labels), value);
  }

  #record(state: HistogramState, value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    state.buckets[i] = (state.buckets[i] as number) + 1;
    state.sum += value;
    state.count += 1;
  }

  async get(): Promise<Rendered> {
    const values: Sample[] = [];
    const bucketName = `${this.name}_bucket`;
    for (const { labels, state } of this.entries()) {
      let cumulative = 0;
      this.#bounds.forEach((bound, i) => {
        cumulative += state.buckets[i] as number;
        values.push({ labels: { le: bound, ...labels }, value: cumulative, metricName: bucketName });
      });
      values.push(
        { labels: { le: "+Inf", ...labels }, value: state.count, metricName: bucketName },
        { labels: { ...labels }, value: state.sum, metricName: `${this.name}_sum` },
        { labels: { ...labels }, value: state.count, metricName: `${this.name}_count` },
      );
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}

/** prom-client's checks on a counter increment. */
function checkedIncrement(value: number): number {
  if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
  if (value < 0) throw new Error("It is not possible to decrease a counter");
  return value;
}
