// HTTP RED metrics of the gateway (rate, errors, duration) as a Hono middleware mounted before everything else.
import { createMiddleware } from "hono/factory";
import type { Registry } from "prom-client";
import { DURATION_BUCKETS } from "./buckets.js";
import { type RouteKind, routeKind } from "./route-kind.js";
import {
  type CounterSeries,
  type HistogramSeries,
  SeriesCounter,
  SeriesHistogram,
} from "./series-metrics.js";

export class HttpMetrics {
  readonly #requests: SeriesCounter<"route" | "method" | "status_class">;
  readonly #duration: SeriesHistogram<"route">;
  readonly #baseDomain: string;
  /** Series by `${route} ${method} ${status class}` and by route: a bounded set (label values are bounded). */
  readonly #requestSeries = new Map<string, CounterSeries>();
  readonly #durationSeries = new Map<string, HistogramSeries>();

  constructor(registry: Registry, baseDomain: string) {
    this.#baseDomain = baseDomain;
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

  /**
   * The middleware. Errors thrown further in have become their error response by the time `next` returns
   * (Hono's error handler), so every request is counted with the status its client got.
   */
  middleware() {
    return createMiddleware(async (c, next) => {
      const started = performance.now();
      try {
        await next();
      } finally {
        const route = routeKind(new URL(c.req.url), c.req.header("host"), this.#baseDomain);
        this.observe(route, c.req.method, c.res.status, (performance.now() - started) / 1000);
      }
    });
  }

  /** Counts and times one answered request (for the Node data plane, which answers before Hono). */
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
