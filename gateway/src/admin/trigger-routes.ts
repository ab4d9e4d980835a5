// A function's cron triggers: list them with their next runs, replace them (a new version with the same
// code), read the run history, and fire them now (wrangler's `/__scheduled`).
import {
  assertValidName,
  type CronTrigger,
  functionConfigInputSchema,
  resolveFunctionConfig,
  SkiffError,
} from "@skiff/core";
import { Hono } from "hono";
import { z } from "zod";
import type { AuthEnv } from "../auth.js";
import { readBody } from "../body-reader.js";
import type { GatewayDeps } from "../deps.js";
import { parseJsonBytes, readJsonBody } from "../json-body.js";
import { requireScheduler } from "./scheduler-port.js";
import { limitQuery, parseRequest } from "./schemas.js";
import { checkedTriggers } from "./triggers.js";

type TriggerDeps = Pick<GatewayDeps, "storage" | "runtime" | "routes" | "locks" | "scheduler" | "now">;

const SMALL_BODY_BYTES = 64 * 1024;
export const triggersBody = z.strictObject({
  crons: functionConfigInputSchema.shape.triggers.unwrap().shape.crons.unwrap(),
});
export const runBody = z.strictObject({ cron: z.string().min(1).max(256).optional() });

export function triggerRoutes(deps: TriggerDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const { storage, routes, locks } = deps;

  function target(tenant: string | undefined, name: string): { tenant: string; name: string } {
    assertValidName("function", name);
    return { tenant: tenant ?? "", name };
  }

  async function activeVersion(tenant: string, name: string) {
    const record = await storage.functions.get(tenant, name);
    if (record === undefined || record.activeVersion === null) {
      throw new SkiffError("FUNCTION_NOT_FOUND", `function "${name}" does not exist in tenant "${tenant}"`);
    }
    return (await storage.functions.getVersion(tenant, name, record.activeVersion)) ?? null;
  }

  app.get("/:name/triggers", async (c) => {
    const { tenant, name } = target(c.req.param("tenant"), c.req.param("name"));
    const version = await activeVersion(tenant, name);
    const scheduler = requireScheduler(deps.scheduler);
    const triggers = scheduler.triggers(tenant, name, routes.get(tenant, name)).map((t) => ({
      ...t,
      nextRuns: t.nextRuns.map((ms) => new Date(ms).toISOString()),
    }));
    return c.json({ version: version?.number ?? null, triggers });
  });

  app.put("/:name/triggers", async (c) => {
    const { tenant, name } = target(c.req.param("tenant"), c.req.param("name"));
    const body = parseRequest(triggersBody, await readJsonBody(c.req.raw, SMALL_BODY_BYTES), "triggers");
    const crons: CronTrigger[] = checkedTriggers(
      resolveFunctionConfig({ triggers: { crons: body.crons } }).triggers.crons,
    );
    const deployed = await locks.run(`${tenant}/${name}`, async () => {
      const version = await activeVersion(tenant, name);
      if (version === null)
        throw new SkiffError("FUNCTION_NOT_FOUND", `function "${name}" has no active version`);
      // Versions are immutable: new triggers make a new version of the same code.
      const result = await storage.functions.deploy(tenant, name, {
        code: await storage.blobs.get(version.codeHash),
        config: { ...version.config, triggers: { crons } },
        summary: { main: version.main, modules: version.modules },
      });
      const previous = routes.set({
        tenant,
        functionName: name,
        version: result.version,
        secrets: await storage.secrets.reveal(tenant, name),
      });
      if (previous !== undefined && previous.id !== result.version.id) deps.runtime.evict(previous.id);
      // Storage lifted any quarantine in the same transaction; the runtime follows.
      deps.runtime.liftQuarantine(tenant, name);
      await routes.followed();
      return result;
    });
    return c.json({ function: deployed.function, version: deployed.version }, 201);
  });

  app.get("/:name/triggers/runs", async (c) => {
    const { tenant, name } = target(c.req.param("tenant"), c.req.param("name"));
    const query = parseRequest(limitQuery, c.req.query(), "query");
    return c.json({ runs: await storage.triggerRuns.list(tenant, name, query.limit ?? 50) });
  });

  app.post("/:name/triggers/run", async (c) => {
    const { tenant, name } = target(c.req.param("tenant"), c.req.param("name"));
    // No body (or an empty one) fires every trigger; anything else must be a valid request.
    const bytes = await readBody(c.req.raw, { limit: SMALL_BODY_BYTES });
    const raw = bytes === null || bytes.byteLength === 0 ? {} : parseJsonBytes(bytes);
    const body = parseRequest(runBody, raw, "run request");
    await activeVersion(tenant, name);
    const runs = await requireScheduler(deps.scheduler).runTrigger(tenant, name, body.cron);
    return c.json({ runs });
  });

  return app;
}
