// Direct invoke (Lambda's Invoke API): POST a JSON event to a function and get its result, or with
// `?async=1` have it queued (202) and delivered with retries and dead letters (the common `?async=1` request is
// answered before Hono by node-async-invoke.ts, through the same `queueInvoke`).
// Lambda handlers receive the event as is and answer with their JSON return value; Workers modules receive it
// as a JSON POST to their fetch handler and answer with their Response.
import { assertValidName, LIMITS, SkiffError } from "@skiff/core";
import { Hono } from "hono";
import type { AuthEnv } from "../auth.js";
import { runInvocation } from "../data-plane/run-invocation.js";
import type { GatewayDeps } from "../deps.js";
import { readJsonBody } from "../json-body.js";
import { queueInvoke } from "./async-invoke.js";
import { readJsonPayload } from "./async-payload.js";

type InvokeDeps = Pick<
  GatewayDeps,
  "routes" | "runtime" | "writer" | "now" | "newId" | "requestBodyBytes" | "scheduler" | "limiter"
>;

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
    if (asynchronous) {
      const queued = await queueInvoke(deps, {
        tenant,
        functionName: name,
        idempotencyKey: c.req.header("idempotency-key"),
        readPayload: () => readJsonPayload(c, LIMITS.asyncPayloadBytes),
      });
      return c.json(queued, 202);
    }
    const version = deps.routes.get(tenant, name);
    if (version === undefined) {
      throw new SkiffError("FUNCTION_NOT_FOUND", `no function "${name}" is deployed in tenant "${tenant}"`);
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
