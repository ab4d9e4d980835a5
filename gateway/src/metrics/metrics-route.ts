// GET /metrics on the gateway's port: the operator key only (its labels name every tenant and function).
import type { ApiKeyRepository } from "@skiff/storage";
import { Hono } from "hono";
import type { Logger } from "pino";
import { type AuthEnv, bearerAuth, requireOperator } from "../auth.js";
import type { PlatformMetrics } from "./platform-metrics.js";

export interface MetricsRouteOptions {
  metrics: PlatformMetrics;
  adminToken: string | undefined;
  apiKeys: ApiKeyRepository;
  now: () => number;
  logger: Logger;
}

/**
 * Mounted at `/metrics`, after the data plane (a function's host keeps its own `/metrics`). Without a key: 401;
 * with a tenant's key: 403. For a scraper that holds no operator key, serve `metricsResponse` on a separate,
 * private port instead (`skiff serve` does with SKIFF_METRICS_PORT).
 */
export function metricsRoute(options: MetricsRouteOptions): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.use("*", bearerAuth(options), requireOperator);
  app.get("/", () => metricsResponse(options.metrics));
  return app;
}

/** The scrape answer: every metric in Prometheus text format. */
export async function metricsResponse(metrics: PlatformMetrics): Promise<Response> {
  return new Response(await metrics.render(), {
    headers: { "content-type": metrics.contentType, "cache-control": "no-store" },
  });
}
