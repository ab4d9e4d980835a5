// The main process's side of the direct data plane: accepts each connection on the data-plane port once and hands
// it to a runtime worker, keeps the workers' routes and quotas current, and takes in what they report (invocation
// records for the writer and the live bus, HTTP metrics) off the request path.
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import type { Gateway, PlatformMetrics, RoutingTable, TenantLimiter } from "@skiff/gateway";
import type { DirectPlane, DirectPlaneOptions } from "@skiff/runtime";
import type { Logger } from "pino";
import { CliError } from "../../cli-error.js";
import {
  type DirectPlaneConfig,
  type DirectPlaneSnapshot,
  type MainMessage,
  readWorkerMessage,
} from "./plane-messages.js";
import { RouteFollowers } from "./route-followers.js";
import { workerPlaneModule } from "./worker-plane.js";

/** Longest wait at start for every worker's plane to be ready before listening anyway. */
const READY_WAIT_MS = 15_000;
/** Longest a deploy waits for the workers to apply its route (route-followers.ts). */
const ROUTE_FOLLOW_MS = 2_000;

export interface DirectDataPlaneOptions {
  /** The supervisor (`Supervisor.serveDirect`). */
  runtime: { serveDirect(options: DirectPlaneOptions): DirectPlane | Promise<DirectPlane> };
  gateway: {
    routes: Pick<RoutingTable, "entries" | "onChange">;
    limiter: Pick<TenantLimiter, "quotas" | "onChange">;
    /** The gateway's `record`: to its writer (storage, usage) and its live bus. */
    record: Gateway["record"];
    metrics: Pick<PlatformMetrics, "observeHttp">;
  };
  /** 0 picks a free port. */
  port: number;
  host: string;
  config: DirectPlaneConfig;
  logger: Logger;
  /** Longest a route change waits for the workers to apply it (default ROUTE_FOLLOW_MS). */
  routeFollowMs?: number;
}

export interface RunningDirectDataPlane {
  port: number;
  /** The address it listens on, as bound (for the egress refusal list). */
  address: string;
  /** e.g. `http://127.0.0.1:8788`. */
  url: string;
  /** Stops accepting connections; the workers' requests in flight finish within `drainMs`. */
  close(drainMs: number): Promise<void>;
}

/**
 * @example
 * const plane = await startDirectDataPlane({ runtime, gateway, port: 8788, host: "127.0.0.1", config, logger });
 * // GET http://127.0.0.1:8788/fn/default/hello is answered by a runtime worker
 * await plane.close(5_000);
 */
export async function startDirectDataPlane(options: DirectDataPlaneOptions): Promise<RunningDirectDataPlane> {
  const { gateway, logger } = options;
  const { routes, limiter } = gateway;
  const readySlots = new Set<number>();
  let allReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    allReady = resolve;
  });
  // Known once serveDirect returns; a worker's "ready" cannot come before, but is checked again below anyway.
  let workers = Number.POSITIVE_INFINITY;
  // Followed before the plane starts: a change made meanwhile is in the snapshot its workers start from.
  let plane: DirectPlane | undefined;
  const broadcast = (message: MainMessage) => plane?.broadcast(message);
  let closing = false;
  const followers = new RouteFollowers({
    maxWaitMs: options.routeFollowMs ?? ROUTE_FOLLOW_MS,
    onLate: (seq, behind) =>
      logger.warn({ seq, slots: behind }, "runtime workers did not confirm a route change in time"),
  });
  routes.onChange((tenant, functionName, version) => {
    // Before the plane starts, its workers' snapshots will hold this change: nothing to send or wait for. Once
    // it closes, its workers take no more changes.
    if (plane === undefined || closing) return;
    const seq = followers.next();
    broadcast({
      type: "route",
      seq,
      tenant,
      functionName,
      version: version ?? null,
      quotas: limiter.quotas(tenant),
    });
    return followers.reached(seq);
  });
  limiter.onChange((tenant, quotas) => broadcast({ type: "quotas", tenant, quotas }));
  const started = await options.runtime.serveDirect({
    module: workerPlaneModule(),
    config: options.config,
    snapshot: (): DirectPlaneSnapshot => {
      const versions = [...routes.entries()];
      const tenants = new Set(versions.map((version) => version.tenant));
      return {
        routes: versions,
        quotas: [...tenants].map((tenant) => [tenant, limiter.quotas(tenant)]),
        seq: followers.seq,
      };
    },
    onStopped: (slot) => {
      readySlots.delete(slot);
      followers.forget(slot);
    },
    onMessage: (data, slot) => {
      const { records, http, ready, routed } = readWorkerMessage(data);
      // Only workers that said they are ready are waited for; a restarted one says so again, from its snapshot.
      if (routed !== undefined && (ready || readySlots.has(slot))) followers.applied(slot, routed);
      if (ready) {
        readySlots.add(slot);
        if (readySlots.size >= workers) allReady();
      }
      for (const record of records) {
        try {
          gateway.record(record);
        } catch (error) {
          logger.error({ err: error, slot }, "could not keep a direct data plane's invocation record");
        }
      }
      for (const [route, method, status, seconds] of http)
        gateway.metrics.observeHttp(route, method, status, seconds);
    },
  });
  plane = started;
  workers = started.workers;
  if (readySlots.size >= workers) allReady();

  // Until a worker's plane is ready, a connection handed over is cut: listen once they all are (bounded: one
  // that cannot start is the supervisor's to restart, and connections meanwhile go to the others).
  await waitAtMost(ready, READY_WAIT_MS);

  // Paused: not a byte is read here, so the worker that gets the connection reads the request from its start.
  const server = createServer({ pauseOnConnect: true }, (socket: Socket) => started.hand(socket));
  let bound: AddressInfo;
  try {
    bound = await listen(server, options.port, options.host);
  } catch (error) {
    await started.close(0);
    throw error;
  }
  // Once listening, an error (accept failing: out of file descriptors) must not take the main process down.
  server.on("error", (error) => logger.error({ err: error }, "direct data plane listener error"));
  const { port, address } = bound;
  return {
    port,
    address,
    url: `http://${options.host.includes(":") ? `[${options.host}]` : options.host}:${port}`,
    async close(drainMs) {
      // Stops accepting at once. Not awaited: a server whose connections went to child processes reports closed
      // only once the children closed them all, which is what the workers' drain below does.
      server.close();
      closing = true;
      followers.close();
      await started.close(drainMs);
    },
  };
}

/** Resolves when `promise` does or after `ms`, whichever comes first. */
async function waitAtMost(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new CliError(
              `the data-plane port ${port} on ${host} is already in use`,
              "choose another with SKIFF_DATA_PLANE_PORT (0 picks a free one)",
            )
          : error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND"
            ? new CliError(
                `cannot listen on ${host}: no such local address`,
                "set SKIFF_DATA_PLANE_HOST to 127.0.0.1 or 0.0.0.0",
              )
            : error,
      );
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve(server.address() as AddressInfo);
    });
  });
}
