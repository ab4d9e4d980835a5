// Direct invoke (Lambda's Invoke API): POST a JSON event to a function and get its result.
// Lambda handlers receive the event as is and answer with their JSON return value; Workers modules receive it
// as a JSON POST to their fetch handler and answer with their Response.
import { assertValidName, SkiffError } from "@skiff/core";
import { Hono } from "hono";
import type { AuthEnv } from "../auth.js";
import { runInvocation } from "../data-plane/run-invocation.js";
import type { GatewayDeps } from "../deps.js";
import { readJsonBody } from "../json-body.js";

type InvokeDeps = Pick<GatewayDeps, "routes" | "runtime" | "writer" | "now" | "newId" | "requestBodyBytes">;

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
    if (query.async !== undefined && query.async !== "0") {
      throw new SkiffError(
        "INVALID_REQUEST",
        "asynchronous invoke (?async=1) needs the event queue, which this server does not have yet; invoke synchronously",
      );
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
