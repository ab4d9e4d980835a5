// HTTP RED metrics of the gateway (rate, errors, duration) as a Hono middleware mounted before everything else.
import { createMiddleware } from "hono/factory";
import { Counter, Histogram, type Registry } from "prom-client";
import { DURATION_BUCKETS } from "./buckets.js";
import { routeKind } from "./route-kind.js";

export class HttpMetrics {
  readonly #requests: Counter<"route" | "method" | "status_class">;
  readonly #duration: Histogram<"route">;
  readonly #baseDomain: string;

  constructor(registry: Registry, baseDomain: string) {
    this.#baseDomain = baseDomain;
    this.#requests = new Counter({
      name: "skiff_http_requests_total",
      help: "HTTP requests answered by the gateway, by route kind, method and status class (2xx, 4xx…)",
      labelNames: ["route", "method", "status_class"],
      registers: [registry],
    });
    this.#duration = new Histogram({
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
        this.#requests.inc({
          route,
          method: knownMethod(c.req.method),
          status_class: statusClass(c.res.status),
        });
        this.#duration.observe({ route }, (performance.now() - started) / 1000);
      }
    });
  }
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** Methods are client input: anything unusual is one label value, so a client cannot mint series. */
function knownMethod(method: string): string {
  return METHODS.has(method) ? method : "OTHER";
}

function statusClass(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : "other";
}
