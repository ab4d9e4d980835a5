// The Hono chain a function request goes through when the Node data plane leaves it to Hono (absolute-form
// targets, odd Hosts, over-long targets…): one definition, so the main port and a runtime worker's direct data
// plane give such requests the same answers, records and metrics.
import type { Env, Hono } from "hono";
import { createMiddleware } from "hono/factory";
import type { Logger } from "pino";
import { createErrorHandler } from "../error-handler.js";
import { requestId } from "../http/request-id.js";
import { urlLimit } from "../http/url-limit.js";
import { type RouteKind, routeKind } from "../metrics/route-kind.js";
import { type DataPlaneDeps, dataPlane } from "./data-plane.js";
import { INVOCATION_ID_HEADER } from "./invocation-response.js";
import type { HttpObserver } from "./node-data-plane.js";

export type DataPlaneChainDeps = DataPlaneDeps & {
  logger: Logger;
  /** Every request the chain answers is counted and timed here, by route kind (the HTTP RED metrics). */
  metrics: HttpObserver<RouteKind>;
  /** Longest request target in bytes; a longer one is answered 414 URI_TOO_LONG before any routing. */
  maxUrlBytes: number;
};

/**
 * Mounts on `app`, in order: the error handler, request ids, HTTP metrics, the URL limit and the data plane.
 * Whatever is mounted after it (routes, `notFound`) sees only requests that are not for a function.
 *
 * @example
 * const app = useDataPlaneChain(new Hono(), deps);
 * app.get("/healthz", (c) => c.json({ status: "ok" }));
 */
export function useDataPlaneChain<E extends Env>(app: Hono<E>, deps: DataPlaneChainDeps): Hono<E> {
  app.onError(createErrorHandler(deps.logger));
  // Outermost: every request gets its id and is counted and timed, whatever answers it.
  app.use("*", requestId({ logger: deps.logger, invocationIdHeader: INVOCATION_ID_HEADER }));
  app.use("*", observed(deps.metrics, deps.baseDomain));
  // Before any routing: an over-long URL is refused before a function or the admin API sees it.
  app.use("*", urlLimit(deps.maxUrlBytes));
  // First of the routes, so that a function's host owns every path on it, /healthz and /api included.
  app.use("*", dataPlane(deps));
  return app;
}

/**
 * Counts each request once answered: errors thrown further in have become their error response by the time
 * `next` returns (the error handler), so the status is the one the client got.
 */
function observed(metrics: HttpObserver<RouteKind>, baseDomain: string) {
  return createMiddleware(async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const route = routeKind(new URL(c.req.url), c.req.header("host"), baseDomain);
      metrics.observeHttp(route, c.req.method, c.res.status, (performance.now() - started) / 1000);
    }
  });
}
