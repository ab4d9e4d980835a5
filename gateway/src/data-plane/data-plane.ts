// The data plane: finds the function a request is for in the routing table, invokes it and records the invocation.
import { SkiffError } from "@skiff/core";
import type { VersionSpec } from "@skiff/runtime";
import { createMiddleware } from "hono/factory";
import type { GatewayDeps } from "../deps.js";
import type { RoutingTable } from "../routing-table.js";
import { takesChunkedBodies } from "./chunked-client.js";
import { clientAddress } from "./client-address.js";
import { nodeHttpEvent, toHttpEvent } from "./http-event.js";
import { type Mount, resolveMount } from "./mount.js";
import { clientGone, nodeExchange } from "./node-request.js";
import { type RunDeps, runInvocation } from "./run-invocation.js";

export type DataPlaneDeps = Pick<GatewayDeps, "baseDomain" | "requestBodyBytes" | "limiter"> &
  RunDeps & {
    /** Only looked up: a runtime worker's direct data plane passes its mirror of the main process's table. */
    routes: Pick<RoutingTable, "get">;
  };

/**
 * Middleware that answers every data-plane request (`/fn/{tenant}/{function}/…` or a
 * `{function}.{tenant}.{baseDomain}` host) and passes anything else on. It reads only the in-memory routing
 * table, never storage.
 */
export function dataPlane(deps: DataPlaneDeps) {
  return createMiddleware(async (c, next) => {
    // c.req.url is @hono/node-server's lazy request's plain string: reading it builds no Fetch Request.
    const url = new URL(c.req.url);
    const mount = resolveMount(url, c.req.header("host"), deps.baseDomain);
    if (mount === undefined) return next();

    const version = admittedVersion(deps, mount);
    const functionUrl = `${url.origin}${mount.path}`;
    // Behind Node, read its request directly: a Fetch Request (headers copied, body stream, AbortSignal) per
    // request cost ≈ 9 % of the main process in the warm profile.
    const node = nodeExchange(c);
    const signal = node === undefined ? c.req.raw.signal : clientGone(node);
    const event =
      node === undefined
        ? await toHttpEvent(c.req.raw, functionUrl, deps.requestBodyBytes)
        : await nodeHttpEvent(node.incoming, functionUrl, deps.requestBodyBytes);
    // A client that left while its body was being read would see nothing of an invocation: do not start one.
    if (signal.aborted) {
      throw new SkiffError("INVALID_REQUEST", "the client closed the connection before its request was read");
    }
    const clientIp = clientAddress(c);
    return runInvocation(deps, version, clientIp === undefined ? event : { ...event, clientIp }, {
      trigger: "http",
      signal,
      chunked: takesChunkedBodies(c),
    });
  });
}

/**
 * The version a mounted request is for, once its tenant is under its request rate (checked before the body is
 * read: a tenant over its rate costs the platform as little as possible). Both data-plane paths start here.
 */
export function admittedVersion(deps: Pick<DataPlaneDeps, "routes" | "limiter">, mount: Mount): VersionSpec {
  const version = deps.routes.get(mount.tenant, mount.functionName);
  if (version === undefined) {
    throw new SkiffError(
      "FUNCTION_NOT_FOUND",
      `no function "${mount.functionName}" is deployed in tenant "${mount.tenant}"`,
    );
  }
  deps.limiter.admitRequest(mount.tenant);
  return version;
}
