// A tenant's usage per function over a time range, with an estimated bill when the operator set prices.
import type { FunctionUsage } from "@skiff/storage";
import { Hono } from "hono";
import type { AuthEnv } from "../auth.js";
import type { GatewayDeps } from "../deps.js";
import { type BillableUsage, estimateCost } from "../usage/estimated-cost.js";
import { resolveTimeRange } from "../usage/time-range.js";
import { type UsageReport, usageQuery } from "../usage/usage-schema.js";
import { parseRequest } from "./schemas.js";

type UsageDeps = Pick<GatewayDeps, "storage" | "now" | "prices">;

/** Routes under `/api/v1/tenants/:tenant/usage`; the tenant is already authorised and known to exist. */
export function usageRoutes(deps: UsageDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  app.get("/", async (c) => {
    const tenant = c.req.param("tenant") ?? "";
    const query = parseRequest(usageQuery, c.req.query(), "usage query");
    const range = resolveTimeRange(query, deps.now());
    const [functions, storedBytes] = await Promise.all([
      deps.storage.usage.functionUsage(tenant, range),
      deps.storage.usage.storedBytes(tenant),
    ]);
    const priced = <T extends BillableUsage>(usage: T) =>
      deps.prices === undefined ? usage : { ...usage, estimatedCost: estimateCost(usage, deps.prices) };
    const report: UsageReport = {
      tenant,
      from: Math.floor(range.from / 3_600_000) * 3_600_000,
      to: range.to,
      functions: functions.map(({ functionName, ...usage }) => priced({ name: functionName, ...usage })),
      totals: priced(sum(functions)),
      storedBytes,
    };
    return c.json(report);
  });

  return app;
}

function sum(functions: readonly FunctionUsage[]): Omit<FunctionUsage, "functionName"> {
  const totals = { requests: 0, errors: 0, coldStarts: 0, wallMs: 0, cpuMs: 0, gbSeconds: 0, egressBytes: 0 };
  for (const usage of functions) {
    for (const key of Object.keys(totals) as Array<keyof typeof totals>) totals[key] += usage[key];
  }
  return totals;
}
