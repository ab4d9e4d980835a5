// Quarantined functions of a tenant (stopped after crashing their runtime worker repeatedly): list, and lift.
import { assertValidName, SkiffError } from "@skiff/core";
import { Hono } from "hono";
import { type AuthEnv, requireOperator } from "../auth.js";
import type { GatewayDeps } from "../deps.js";

type QuarantineDeps = Pick<GatewayDeps, "storage" | "runtime" | "locks">;

/**
 * Routes under `/api/v1/tenants/:tenant`: `GET /quarantines`, and `DELETE /functions/:name/quarantine` (the
 * operator only) which lifts it in storage and in the runtime at once. A function's own record
 * (`GET /functions/:name`) shows its `quarantine` too.
 */
export function quarantineRoutes(deps: QuarantineDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const { storage, runtime, locks } = deps;

  app.get("/quarantines", async (c) => {
    const tenant = c.req.param("tenant") ?? "";
    return c.json({ quarantines: await storage.functions.listQuarantined(tenant) });
  });

  app.delete("/functions/:name/quarantine", requireOperator, async (c) => {
    const tenant = c.req.param("tenant") ?? "";
    const name = c.req.param("name");
    assertValidName("function", name);
    const lifted = await locks.run(`${tenant}/${name}`, async () => {
      if ((await storage.functions.get(tenant, name)) === undefined) {
        throw new SkiffError("FUNCTION_NOT_FOUND", `function "${name}" does not exist in tenant "${tenant}"`);
      }
      const inRuntime = runtime.quarantined().some((q) => q.tenant === tenant && q.functionName === name);
      const stored = await storage.functions.setQuarantine(tenant, name, null);
      runtime.liftQuarantine(tenant, name);
      return stored || inRuntime;
    });
    return c.json({ lifted, tenant, name });
  });

  return app;
}
