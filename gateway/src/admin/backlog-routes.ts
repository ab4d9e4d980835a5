// The platform's async backlog for the operator: work waiting in the event queue and in queues, and dead letters.
import { Hono } from "hono";
import { type AuthEnv, requireOperator } from "../auth.js";
import type { GatewayDeps } from "../deps.js";

/**
 * `GET /api/v1/backlog` (operator only): undelivered async events by tenant and kind, undelivered queue messages
 * by tenant and queue (each with `count`, `oldestCreatedAt` and `oldestAgeMs`), and dead letters by tenant and
 * kind. Counted when asked, over every tenant.
 */
export function backlogRoutes(deps: Pick<GatewayDeps, "storage" | "now">): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.get("/", requireOperator, async (c) => {
    const now = deps.now();
    const sample = await deps.storage.backlog.sample();
    const aged = <T extends { oldestCreatedAt: number }>(row: T) => ({
      ...row,
      oldestAgeMs: Math.max(0, now - row.oldestCreatedAt),
    });
    return c.json({
      events: sample.events.map(aged),
      queueMessages: sample.queueMessages.map(aged),
      deadLetters: sample.deadLetters,
    });
  });
  return app;
}
