// `POST /api/v1/tenants/{t}/functions/{f}/invoke?async=1` served straight from Node's `request` listener, before
// Hono: a producer's event costs the bearer check, the checks of `queueInvoke` and one batched SQLite insert,
// without a Hono context, Fetch Request/Headers/Response, or the middleware chain per event. It answers exactly
// as the Hono chain (request id, HTTP metrics, bearer auth, tenant access and existence, invoke route, error
// handler) would; any request that differs from the plain form (another query, an encoded name, a trailing
// slash, an over-long target) is left to Hono.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { assertValidName, LIMITS, SkiffError } from "@skiff/core";
import { bearerAuthenticator, tenantAccessRefusal } from "../auth.js";
import { readIncomingBody } from "../data-plane/incoming-body.js";
import { drainUnread } from "../data-plane/incoming-drain.js";
import type { PlainResponse } from "../data-plane/invocation-response.js";
import type { NodeRequestHandler } from "../data-plane/node-data-plane.js";
import { headerValue } from "../data-plane/node-request.js";
import { plainErrorResponse, writePlainResponse } from "../data-plane/node-response.js";
import type { GatewayDeps } from "../deps.js";
import { clientError } from "../error-handler.js";
import { acceptedRequestId, logRequestAnswered, REQUEST_ID_HEADER } from "../http/request-id.js";
import { parseJsonBytes } from "../json-body.js";
import type { RouteKind } from "../metrics/route-kind.js";
import { type AsyncInvokeDeps, queueInvoke } from "./async-invoke.js";
import { KnownTenants } from "./known-tenants.js";

export type NodeAsyncInvokeDeps = AsyncInvokeDeps &
  Pick<GatewayDeps, "storage" | "logger" | "now" | "adminToken" | "keyCache" | "baseDomain"> & {
    /** Longest request target in bytes; a longer one is left to the Hono chain, which answers 414. */
    maxUrlBytes: number;
    metrics: { observeHttp(route: RouteKind, method: string, status: number, seconds: number): void };
    newRequestId?: () => string;
  };

/** The plain form only: names as the name rules allow them unencoded, and exactly `?async=1`. */
const ASYNC_INVOKE = /^\/api\/v1\/tenants\/([a-z0-9-]{1,63})\/functions\/([a-z0-9-]{1,63})\/invoke\?async=1$/;
/** A Host the URL parser leaves as it is (lowercase name or IP literal, optional port). */
const PLAIN_HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;

/**
 * Takes a plain async invoke (true) or leaves the request to the next listener (false), deciding synchronously
 * and cheaply (most requests are told apart by their method). A function's host owns every path on it: a Host
 * under `baseDomain` is left to the data plane, so this may run before it.
 *
 * @example
 * const asyncInvoke = nodeAsyncInvoke(deps);
 * createServer((incoming, outgoing) => asyncInvoke(incoming, outgoing) || dataPlane(incoming, outgoing) || hono(incoming, outgoing));
 */
export function nodeAsyncInvoke(deps: NodeAsyncInvokeDeps): NodeRequestHandler {
  const newRequestId = deps.newRequestId ?? randomUUID;
  const authenticate = bearerAuthenticator({
    adminToken: deps.adminToken,
    apiKeys: deps.storage.apiKeys,
    now: deps.now,
    logger: deps.logger,
    cache: deps.keyCache,
  });
  const tenants = new KnownTenants(deps.storage.tenants);
  const enqueue = async (incoming: IncomingMessage, tenant: string, functionName: string) => {
    const principal = await authenticate(authorizationOf(incoming));
    const path = `/api/v1/tenants/${tenant}/functions/${functionName}/invoke`;
    const refusal = tenantAccessRefusal(principal, { tenant, method: "POST", path });
    if (refusal !== undefined) throw new SkiffError("FORBIDDEN", refusal);
    await tenants.require(tenant);
    assertValidName("function", functionName);
    return queueInvoke(deps, {
      tenant,
      functionName,
      idempotencyKey: headerValue(incoming, "idempotency-key"),
      readPayload: () => readPayload(incoming),
    });
  };
  return (incoming, outgoing) => {
    if (incoming.method !== "POST") return false;
    const url = incoming.url ?? "";
    if (url.length > deps.maxUrlBytes) return false;
    const match = ASYNC_INVOKE.exec(url);
    if (match === null) return false;
    const host = incoming.headers.host;
    if (host === undefined || !PLAIN_HOST.test(host) || mayBeFunctionHost(host, deps.baseDomain))
      return false;
    const [, tenant = "", functionName = ""] = match;
    void serve(deps, newRequestId, () => enqueue(incoming, tenant, functionName), incoming, outgoing);
    return true;
  };
}

async function serve(
  deps: NodeAsyncInvokeDeps,
  newRequestId: () => string,
  enqueue: () => Promise<{ eventId: string; duplicate: boolean }>,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
): Promise<void> {
  const started = performance.now();
  const requestId = acceptedRequestId(headerValue(incoming, REQUEST_ID_HEADER)) ?? newRequestId();
  let plain: PlainResponse;
  try {
    const queued = await enqueue();
    plain = {
      status: 202,
      statusText: "",
      headers: [["content-type", "application/json"]],
      body: JSON.stringify(queued),
    };
  } catch (error) {
    const answer = clientError(error, deps.logger, () => ({
      requestId,
      method: "POST",
      path: pathOf(incoming),
    }));
    plain = plainErrorResponse(answer);
  }
  // A refusal before the body was read leaves it unread: discard it so the connection can carry the next
  // request. A queued event's body was read to its end, so the common case arms nothing.
  if (!incoming.readableEnded) drainUnread(incoming, outgoing);
  try {
    await writePlainResponse(outgoing, plain, [[REQUEST_ID_HEADER, requestId]]);
  } catch (error) {
    deps.logger.error({ err: error, requestId }, "could not write an async invoke's response");
    outgoing.destroy();
    return;
  }
  const ms = performance.now() - started;
  deps.metrics.observeHttp("admin", "POST", plain.status, ms / 1000);
  logRequestAnswered(deps.logger, plain.status, () => ({
    requestId,
    method: "POST",
    path: pathOf(incoming),
    ms,
  }));
}

/** The request path without its query, for log lines (built only when one is written). */
function pathOf(incoming: IncomingMessage): string {
  return (incoming.url ?? "").split("?", 1)[0] ?? "";
}

/** Whether `host` is, or may be, `{function}.{tenant}.{baseDomain}`: the data plane decides those. */
function mayBeFunctionHost(host: string, baseDomain: string): boolean {
  const name = host.replace(/:\d+$/, "").replace(/\.$/, "");
  return name.endsWith(`.${baseDomain.toLowerCase()}`);
}

/** The JSON payload, at most `LIMITS.asyncPayloadBytes` (as `readJsonPayload` reads it for the Hono route). */
async function readPayload(incoming: IncomingMessage): Promise<unknown> {
  const bytes = await readIncomingBody(incoming, LIMITS.asyncPayloadBytes);
  if (bytes.byteLength === 0) {
    throw new SkiffError("INVALID_JSON", "the request body is empty: send a JSON object");
  }
  return parseJsonBytes(bytes);
}

/**
 * `Authorization` as `Headers.get` gives it: Node keeps only the first of repeated ones, a Fetch `Headers` (what
 * the Hono route reads) joins them all, which then is no bearer token.
 */
function authorizationOf(incoming: IncomingMessage): string | undefined {
  const raw = incoming.rawHeaders;
  let value: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length !== 13 || name.toLowerCase() !== "authorization") continue;
    value = value === undefined ? raw[i + 1] : `${value}, ${raw[i + 1]}`;
  }
  return value;
}
