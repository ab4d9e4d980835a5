// A function's dead letters: async events that failed for good. List, redrive (back into the queue with the
// same id), or delete.
import { assertValidName } from "@skiff/core";
import { Hono } from "hono";
import { z } from "zod";
import type { AuthEnv } from "../auth.js";
import type { GatewayDeps } from "../deps.js";
import { limitQuery, parseRequest } from "./schemas.js";

type DeadLetterDeps = Pick<GatewayDeps, "storage" | "scheduler" | "now">;

const EVENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function deadLetterRoutes(deps: DeadLetterDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const { storage } = deps;

  const target = (tenant: string | undefined, name: string, id?: string) => {
    assertValidName("function", name);
    if (id !== undefined && !EVENT_ID.test(id))
      parseRequest(z.string().regex(EVENT_ID, "not an event id"), id, "event id");
    return { tenant: tenant ?? "", name };
  };

  app.get("/:name/dead-letters", async (c) => {
    const { tenant, name } = target(c.req.param("tenant"), c.req.param("name"));
    const query = parseRequest(limitQuery, c.req.query(), "query");
    return c.json({ deadLetters: await storage.deadLetters.list(tenant, name, query.limit ?? 50) });
  });

  app.post("/:name/dead-letters/:id/redrive", async (c) => {
    const id = c.req.param("id");
    const { tenant, name } = target(c.req.param("tenant"), c.req.param("name"), id);
    await storage.deadLetters.redrive(tenant, name, id, deps.now());
    deps.scheduler?.wake();
    return c.json({ redriven: true, id });
  });

  app.delete("/:name/dead-letters/:id", async (c) => {
    const id = c.req.param("id");
    const { tenant, name } = target(c.req.param("tenant"), c.req.param("name"), id);
    await storage.deadLetters.delete(tenant, name, id);
    return c.json({ deleted: true, id });
  });

  return app;
}
