// The data plane: finds the function a request is for in the routing table, invokes it and records the invocation.
import { SkiffError } from "@skiff/core";
import { createMiddleware } from "hono/factory";
import type { GatewayDeps } from "../deps.js";
import { clientAddress } from "./client-address.js";
import { toHttpEvent } from "./http-event.js";
import { resolveMount } from "./mount.js";
import { runInvocation } from "./run-invocation.js";

type DataPlaneDeps = Pick<
  GatewayDeps,
  "routes" | "runtime" | "writer" | "now" | "newId" | "baseDomain" | "requestBodyBytes"
>;

/**
 * Middleware that answers every data-plane request (`/fn/{tenant}/{function}/…` or a
 * `{function}.{tenant}.{baseDomain}` host) and passes anything else on. It reads only the in-memory routing
 * table, never storage.
 */
export function dataPlane(deps: DataPlaneDeps) {
  return createMiddleware(async (c, next) => {
    const request = c.req.raw;
    const url = new URL(request.url);
    const mount = resolveMount(url, c.req.header("host"), deps.baseDomain);
    if (mount === undefined) return next();

    const version = deps.routes.get(mount.tenant, mount.functionName);
    if (version === undefined) {
      throw new SkiffError(
        "FUNCTION_NOT_FOUND",
        `no function "${mount.functionName}" is deployed in tenant "${mount.tenant}"`,
      );
    }
    const event = await toHttpEvent(request, `${url.origin}${mount.path}`, deps.requestBodyBytes);
    const clientIp = clientAddress(c);
    return runInvocation(deps, version, clientIp === undefined ? event : { ...event, clientIp }, {
      trigger: "http",
      signal: request.signal,
    });
  });
}
