// HTTP RED metrics of the gateway (rate, errors, duration), observed by the data plane's chain (data-plane-chain.ts)
// for what Hono answers and by the Node data plane for what it answers itself.
import type { Registry } from "prom-client";
import { DURATION_BUCKETS } from "./buckets.js";
import type { RouteKind } from "./route-kind.js";
import {
  type CounterSeries,
  type HistogramSeries,
  SeriesCounter,
  SeriesHistogram,
} from "./series-metrics.js";

export class HttpMetrics {
  readonly #requests: SeriesCounter<"route" | "method" | "status_class">;
  readonly #duration: SeriesHistogram<"route">;
  /** Series by `${route} ${method} ${status class}` and by route: a bounded set (label values are bounded). */
  readonly #requestSeries = new Map<string, CounterSeries>();
  readonly #durationSeries = new Map<string, HistogramSeries>();

  constructor(registry: Registry) {
    this.#requests = new SeriesCounter({
      name: "skiff_http_requests_total",
      help: "HTTP requests answered by the gateway, by route kind, method and status class (2xx, 4xx…)",
      labelNames: ["route", "method", "status_class"],
      registers: [registry],
    });
    this.#duration = new SeriesHistogram({
      name: "skiff_http_request_duration_seconds",
      help: "Time from a request's arrival to its response head (a streamed body may go on after)",
      labelNames: ["route"],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    });
  }

  /** Counts and times one answered request. */
  observe(route: RouteKind, method: string, status: number, seconds: number): void {
    const known = knownMethod(method);
    const statusClass = statusClassOf(status);
    const key = `${route} ${known} ${statusClass}`;
    let requests = this.#requestSeries.get(key);
    if (requests === undefined) {
      requests = this.#requests.series({ route, method: known, status_class: statusClass });
      this.#requestSeries.set(key, requests);
    }
    requests.inc();
    let duration = this.#durationSeries.get(route);
    if (duration === undefined) {
      duration = this.#duration.series({ route });
      this.#durationSeries.set(route, duration);
    }
    duration.observe(seconds);
  }
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** Methods are client input: anything unusual is one label value, so a client cannot mint series. */
function knownMethod(method: string): string {
  return METHODS.has(method) ? method : "OTHER";
}

function statusClassOf(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : "other";
}
