// The runtime as the operator sees it: each worker process with its restarts, memory and warm isolate cache.
import { SkiffError } from "@skiff/core";
import { Hono } from "hono";
import { type AuthEnv, requireOperator } from "../auth.js";
import type { GatewayDeps } from "../deps.js";

/**
 * `GET /api/v1/runtime` (operator only): the supervisor's `stats()` as JSON, `{"workers": [{slot, role, pid,
 * restarts, rssBytes?, isolates?: {idle, busy, heapBytes, hits, misses, evictions}}]}`; 404 NOT_FOUND when the
 * gateway was built without a view of its runtime (some unit tests).
 */
export function runtimeRoutes(deps: Pick<GatewayDeps, "runtimeStats">): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.get("/", requireOperator, async (c) => {
    if (deps.runtimeStats === undefined) {
      throw new SkiffError("NOT_FOUND", "this server does not report its runtime's state");
    }
    return c.json(await deps.runtimeStats());
  });
  return app;
}
