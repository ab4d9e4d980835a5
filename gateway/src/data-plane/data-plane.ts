// The data plane: finds the function a request is for in the routing table, invokes it and records the invocation.
import { SkiffError } from "@skiff/core";
import { createMiddleware } from "hono/factory";
import type { GatewayDeps } from "../deps.js";
import { toHttpEvent } from "./http-event.js";
import { invocationReply } from "./invocation-response.js";
import { resolveMount } from "./mount.js";

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
    const invocationId = deps.newId();
    const startedAt = deps.now();
    // Platform refusals (TOO_MANY_REQUESTS, SHUTTING_DOWN) throw here and are rendered by the error handler.
    const result = await deps.runtime.invoke(version, event, { invocationId, signal: request.signal });
    const reply = invocationReply(result, invocationId);
    deps.writer.add({
      id: invocationId,
      tenant: version.tenant,
      functionName: version.functionName,
      version: version.number,
      trigger: "http",
      startedAt,
      outcome: reply.outcome,
      status: reply.status,
      cold: result.cold,
      cpuMs: result.cpuMs,
      wallMs: result.wallMs,
      ...(reply.error === undefined ? {} : { error: reply.error }),
      logs: result.logs,
      droppedLogLines: result.droppedLogLines,
    });
    return reply.response;
  });
}
