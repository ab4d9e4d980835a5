// The direct data plane inside a runtime worker: serves every request of the connections the main process hands
// over with the gateway's own Node data plane, invoking this worker's isolates in-process. Only invocation records
// and HTTP metrics go to the main process, batched per turn. Kept light (no storage, no admin API: a Hono app with
// the data plane's chain only): every worker loads it.
import type { Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { DEFAULT_QUOTAS, newId, type TenantQuotas } from "@skiff/core";
import {
  guardRuntime,
  InFlightInvocations,
  nodeDataPlane,
  TenantLimiter,
  useDataPlaneChain,
} from "@skiff/gateway/worker-data-plane";
import type { DirectPlaneHost, DirectPlaneInstance, Runtime } from "@skiff/runtime";
import { Hono } from "hono";
import { destination, pino } from "pino";
import { createHttpServer } from "../http-server.js";
import { notAFunction } from "./not-a-function.js";
import type { DirectPlaneConfig, DirectPlaneSnapshot, MainMessage, WorkerMessage } from "./plane-messages.js";
import { RouteMirror } from "./route-mirror.js";
import { TurnBatch } from "./turn-batch.js";
import { workerShare } from "./worker-quotas.js";

/**
 * The compiled module's absolute path, for `DirectPlaneOptions.module`: always the one in dist/, since the
 * worker runs plain Node (also when the caller runs from src/ under vitest).
 */
export function workerPlaneModule(): string {
  return fileURLToPath(
    import.meta.url.endsWith(".ts")
      ? new URL("../../../dist/server/direct/worker-plane.js", import.meta.url)
      : new URL("./worker-plane.js", import.meta.url),
  );
}

/**
 * `DirectPlaneModule.startDirectPlane`: called once by the runtime worker that imported this module.
 *
 * @example
 * const plane = await startDirectPlane(host);
 * plane.connection(socket); // a paused socket the main process accepted
 */
export async function startDirectPlane(host: DirectPlaneHost): Promise<DirectPlaneInstance> {
  const config = host.config as DirectPlaneConfig;
  const snapshot = host.snapshot as DirectPlaneSnapshot;
  const routes = new RouteMirror(snapshot.routes);
  /** The last route change applied here: reported with "ready" and after each change (route-followers.ts). */
  let routed = snapshot.seq;
  /** Each tenant's whole quotas, as the main process holds them; the limiter holds this worker's share. */
  const whole = new Map(snapshot.quotas);
  const share = (tenant: string, quotas: TenantQuotas) => {
    whole.set(tenant, quotas);
    return workerShare(quotas, host.workers);
  };
  const limiter = new TenantLimiter({
    quotas: snapshot.quotas.map(([tenant, quotas]) => [tenant, share(tenant, quotas)]),
    // A share may be smaller than one invocation: one alone is held to the whole quota, as on the main port.
    wholeMemoryMb: (tenant) => (whole.get(tenant) ?? DEFAULT_QUOTAS).maxIsolateMemoryMb,
  });
  const inFlight = new InFlightInvocations();
  // stderr, as the main process logs: the supervisor passes a worker's stderr on (its stdout is for people).
  const logger = pino({ level: config.logLevel }, destination({ dest: 2, sync: true })).child({
    directPlaneSlot: host.slot,
  });
  const report = (message: WorkerMessage) => {
    // Sent from an immediate: a throw there would end the worker and every connection it serves.
    try {
      host.send(message);
    } catch (error) {
      logger.error({ err: error }, "could not report to the main process");
    }
  };
  const batch = new TurnBatch(report);
  const deps = {
    routes,
    // Tenant concurrency and memory quotas (this worker's share) hold here as they do in the main process.
    runtime: guardRuntime(invokeOnly(host.runtime), limiter),
    limiter,
    writer: batch,
    inFlight,
    logger,
    now: Date.now,
    newId,
    baseDomain: config.baseDomain,
    requestBodyBytes: config.requestBodyBytes,
    maxUrlBytes: config.maxUrlBytes,
  };
  const functionRequests = nodeDataPlane({ ...deps, metrics: batch });
  // What the fast path declines (absolute-form targets, odd Hosts, over-long targets) goes through
  // @hono/node-server (a target or Host it refuses gets its 400) and the main port's own Hono chain, which may
  // still run a function; only what that leaves gets the 404 naming the main port.
  const app = useDataPlaneChain(new Hono(), { ...deps, metrics: { observeHttp: reportedRoute(batch) } });
  app.notFound(notAFunction(config.mainUrl));
  const http = createHttpServer(app.fetch, config.http, functionRequests);
  // The server never listens (connections arrive by hand), but Node starts tracking connections, which its
  // header and request timeouts and `closeIdleConnections` need, on "listening" only.
  http.server.emit("listening");
  const sockets = new Set<Socket>();
  let closing = false;
  // After the runtime's own "ready" for this module, which goes out when this function's promise resolves.
  setImmediate(() => report({ ready: true, routed }));

  return {
    connection(socket) {
      if (closing) {
        socket.destroy();
        return;
      }
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
      http.server.emit("connection", socket);
      // The main process accepted it paused, so no byte was read there; reading starts here.
      socket.resume();
    },
    message(data) {
      if (typeof data !== "object" || data === null) return;
      const message = data as MainMessage;
      if (message.type === "route") {
        // The quotas first: the tenant's first request through the new route must be held to them.
        limiter.setQuotas(message.tenant, share(message.tenant, message.quotas));
        routes.set(message.tenant, message.functionName, message.version);
        // Changes arrive in order; the deploy that made this one waits for every worker to say so.
        routed = message.seq;
        report({ routed });
      } else if (message.type === "quotas") {
        limiter.setQuotas(message.tenant, share(message.tenant, message.quotas));
      }
    },
    async close(drainMs) {
      closing = true;
      const deadline = Date.now() + drainMs;
      // Marks responses in flight `Connection: close` and closes idle connections. Its own wait ends at once
      // here (the server never listened), so the connections' ends are awaited below.
      await http.drain(drainMs);
      await allClosed(sockets, drainMs);
      for (const socket of sockets) socket.destroy();
      // Streamed responses' records are written when their invocations end, which the cut connections hasten.
      await inFlight.settled(Math.max(0, deadline - Date.now()));
      batch.flush();
    },
  };
}

/**
 * The main process labels a worker's requests "function" or "other" only: the routes a worker does not serve
 * (admin API, S3, health…) are all 404s here.
 */
function reportedRoute(
  batch: TurnBatch,
): (route: string, method: string, status: number, seconds: number) => void {
  return (route, method, status, seconds) =>
    batch.observeHttp(route === "function" ? "function" : "other", method, status, seconds);
}

/** `guardRuntime` takes a whole Runtime; the data plane only invokes, and nothing else is offered in a worker. */
function invokeOnly(runtime: Pick<Runtime, "invoke">): Runtime {
  const unavailable = () => {
    throw new Error("a runtime worker's direct data plane can only invoke");
  };
  return {
    invoke: (version, event, options) => runtime.invoke(version, event, options),
    check: unavailable,
    evict: unavailable,
    quarantined: unavailable,
    quarantine: unavailable,
    liftQuarantine: unavailable,
    close: unavailable,
  };
}

/** Resolves once every socket has closed, or after `ms`. */
function allClosed(sockets: Set<Socket>, ms: number): Promise<void> {
  if (sockets.size === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    let left = sockets.size;
    for (const socket of sockets) {
      socket.once("close", () => {
        left -= 1;
        if (left === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
  });
}
