// Direct invoke (Lambda's Invoke API): POST a JSON event to a function and get its result, or with
// `?async=1` have it queued (202) and delivered with retries and dead letters.
// Lambda handlers receive the event as is and answer with their JSON return value; Workers modules receive it
// as a JSON POST to their fetch handler and answer with their Response.
import { assertValidName, LIMITS, SkiffError } from "@skiff/core";
import { Hono } from "hono";
import type { AuthEnv } from "../auth.js";
import { runInvocation } from "../data-plane/run-invocation.js";
import type { GatewayDeps } from "../deps.js";
import { readJsonBody } from "../json-body.js";
import { readJsonPayload } from "./async-payload.js";
import { requireScheduler } from "./scheduler-port.js";

type InvokeDeps = Pick<
  GatewayDeps,
  "routes" | "runtime" | "writer" | "now" | "newId" | "requestBodyBytes" | "scheduler" | "limiter"
>;

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,256}$/;

export function invokeRoute(deps: InvokeDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.post("/:name/invoke", async (c) => {
    const tenant = c.req.param("tenant") ?? "";
    const name = c.req.param("name");
    assertValidName("function", name);
    const query = c.req.query();
    for (const key of Object.keys(query)) {
      if (key !== "async") throw new SkiffError("INVALID_REQUEST", `unknown query parameter "${key}"`);
    }
    const asynchronous = query.async !== undefined && query.async !== "0";
    if (query.async !== undefined && query.async !== "0" && query.async !== "1") {
      throw new SkiffError("INVALID_REQUEST", 'async is "1" (queue the event and answer 202) or "0"');
    }
    const version = deps.routes.get(tenant, name);
    if (version === undefined) {
      throw new SkiffError("FUNCTION_NOT_FOUND", `no function "${name}" is deployed in tenant "${tenant}"`);
    }
    if (asynchronous) {
      // DESIGN §6: the event row is committed before the producer hears 202.
      const idempotencyKey = c.req.header("idempotency-key");
      if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
        throw new SkiffError("INVALID_REQUEST", "Idempotency-Key is 1-256 visible ASCII characters");
      }
      const payload = await readJsonPayload(c, LIMITS.asyncPayloadBytes);
      const scheduler = requireScheduler(deps.scheduler);
      // 429 RATE_LIMITED with Retry-After past the tenant's asyncEventsPerMinute, before anything is stored.
      deps.limiter.admitAsyncEvents(tenant);
      const stored = await scheduler.enqueue({
        tenant,
        functionName: name,
        kind: "invoke",
        payload: { kind: "invoke", payload },
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      });
      return c.json({ eventId: stored.id, duplicate: stored.duplicate }, 202);
    }
    const payload = await readJsonBody(c.req.raw, deps.requestBodyBytes);
    return runInvocation(
      deps,
      version,
      { kind: "invoke", payload },
      { trigger: "invoke", signal: c.req.raw.signal },
    );
  });
  return app;
}
