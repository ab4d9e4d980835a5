// The composition root: storage, runtime and gateway wired together behind one HTTP server.
import { mkdir } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createAdaptorServer } from "@hono/node-server";
import { type CodeBundle, LIMITS, newApiKey, parseCodeBundle, singleModuleBundle } from "@skiff/core";
import {
  createBindingHost,
  createGateway,
  type Gateway,
  notificationReporter,
  webhookDeliveryHooks,
} from "@skiff/gateway";
import { type EgressPolicy, Supervisor } from "@skiff/runtime";
import { Scheduler } from "@skiff/scheduler";
import { openStorage, type Storage } from "@skiff/storage";
import type { Logger } from "pino";
import { CliError } from "../cli-error.js";
import { type AdminToken, resolveAdminToken } from "./admin-token.js";
import { type DefaultTenant, ensureDefaultTenant } from "./default-tenant.js";
import { deployExamples, type ExampleDeployment } from "./examples.js";

export interface StartServerOptions {
  port: number;
  host: string;
  dataDir: string;
  /** `SKIFF_ADMIN_TOKEN`; when absent the token is read from or written to `<dataDir>/admin.key`. */
  adminToken: string | undefined;
  /** Deploy every example module in this folder into tenant `default`. */
  examplesDir: string | undefined;
  /** Structured logs of the gateway and the runtime supervisor. */
  logger: Logger;
  /** How long in-flight requests may take to finish on close before their connections are cut. */
  drainMs?: number;
  /** How long an async event's lease lasts (SKIFF_EVENT_LEASE_MS); after a crash, the wait before redelivery. */
  eventLeaseMs?: number;
  /** How long webhook deliveries are kept (SKIFF_WEBHOOK_RETENTION_DAYS); default 7. */
  webhookRetentionDays?: number;
  /** Largest object a bucket takes (SKIFF_MAX_OBJECT_BYTES); default 100 MB. */
  maxObjectBytes?: number;
  /** `SKIFF_MASTER_KEY` (64 hex digits or base64); absent: `<dataDir>/master.key`, created on first start. */
  masterKey?: string | undefined;
  /** The operator's egress policy for tenant `fetch`; the server's own address is always added as refused. */
  egress?: Partial<EgressPolicy>;
}

export interface RunningServer {
  url: string;
  port: number;
  adminToken: AdminToken;
  defaultTenant: DefaultTenant;
  examples: ExampleDeployment[];
  /** Stops accepting connections, then closes the gateway, the runtime and storage, in that order. */
  close(): Promise<void>;
}

const utf8 = new TextDecoder();

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const adminToken = await resolveAdminToken(options.adminToken, options.dataDir, newApiKey);

  const cleanups: Array<() => Promise<void>> = [];
  let closing: Promise<void> | undefined;
  const closeAll = () => {
    closing ??= (async () => {
      for (const cleanup of [...cleanups].reverse()) await cleanup().catch(() => {});
    })();
    return closing;
  };
  const maxObjectBytes = options.maxObjectBytes ?? LIMITS.objectBytes;
  try {
    const storage = await openStorage({
      dataDir: options.dataDir,
      ...(options.masterKey === undefined ? {} : { masterKey: options.masterKey }),
    });
    cleanups.push(() => storage.close());
    const defaultTenant = await ensureDefaultTenant(storage, options.dataDir);
    // Webhook deliveries (with their bodies) are kept for `webhookRetentionDays`, pruned hourly.
    const retentionMs = (options.webhookRetentionDays ?? 7) * 24 * 60 * 60 * 1000;
    const pruneDeliveries = () =>
      storage.webhooks
        .prune(Date.now() - retentionMs)
        .catch((error) => options.logger.warn({ err: error }, "could not prune webhook deliveries"));
    void pruneDeliveries();
    const pruner = setInterval(pruneDeliveries, 60 * 60 * 1000);
    pruner.unref();
    cleanups.push(async () => clearInterval(pruner));
    // Object files left behind by a crash (between a file's rename and its row's commit) or a tenant cascade.
    storage.objectGarbage
      .sweep(Date.now())
      .then((swept) => options.logger.info({ swept }, "swept unreferenced object files"))
      .catch((error) => options.logger.warn({ err: error }, "could not sweep object files"));

    const { logger } = options;
    // Declared before the runtime: binding writes wake the scheduler, which needs the runtime to exist first.
    let scheduler: Scheduler | undefined;
    const runtime = new Supervisor({
      loadCode: (spec) => loadCode(storage, spec.codeHash),
      // Bucket and KV bindings are served here, where storage lives; the workers only forward calls.
      bindingHost: createBindingHost({
        storage,
        now: Date.now,
        maxObjectBytes,
        onNotified: notificationReporter(logger, () => scheduler?.wake()),
      }),
      ...(options.egress === undefined ? {} : { egress: options.egress }),
      // V8 code caches survive restarts, so a cold start after one does not compile from scratch.
      workerEnv: { ...process.env, SKIFF_COMPILE_CACHE_DIR: join(options.dataDir, "compile-cache") },
      onEvent: (event) => logger.warn({ runtime: event }, `runtime ${event.type}`),
    });
    cleanups.push(() => runtime.close());
    // The scheduler finds functions through the gateway's routing table, and the gateway enqueues through it.
    let gateway: Gateway | undefined;
    scheduler = new Scheduler({
      storage,
      runtime,
      resolve: (tenant, name) => gateway?.routes.get(tenant, name),
      onInvocation: (record) => gateway?.record(record),
      onError: (error) => logger.error({ err: error }, "scheduler error"),
      // Webhook deliveries keep their log (status, attempts, invocation) current as the queue delivers them.
      hooks: {
        webhook: webhookDeliveryHooks(storage.webhooks, (error) =>
          logger.error({ err: error }, "could not update a webhook delivery's status"),
        ),
      },
      ...(options.eventLeaseMs === undefined ? {} : { leaseMs: options.eventLeaseMs }),
    });
    gateway = await createGateway({
      storage,
      runtime,
      adminToken: adminToken.token,
      logger,
      scheduler,
      maxObjectBytes,
    });
    const routes = gateway.routes;
    cleanups.push(() => (gateway as Gateway).close());
    routes.onChange((tenant, name, version) => scheduler.functionChanged(tenant, name, version));
    await scheduler.start(routes.entries());
    // On shutdown: no new ticks or leases; deliveries in flight finish (bounded); leases are released.
    cleanups.push(() => scheduler.stop(options.drainMs ?? 5_000));

    const examples =
      options.examplesDir === undefined
        ? []
        : await deployExamples({
            app: gateway.app,
            adminToken: adminToken.token,
            storage,
            dir: options.examplesDir,
          });

    const server = createAdaptorServer({ fetch: gateway.app.fetch }) as Server;
    await listen(server, options.port, options.host);
    cleanups.push(() => stopAccepting(server, options.drainMs ?? 5_000));
    const { port, address } = server.address() as AddressInfo;
    // Tenant code must not reach the platform's own API through fetch (DESIGN §7).
    runtime.configureEgress({ platformAddresses: [`${formatHost(address)}:${port}`] });

    return {
      url: `http://${formatHost(options.host)}:${port}`,
      port,
      adminToken,
      defaultTenant,
      examples,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** A version's code bundle. Blobs stored before bundles existed hold one module's source. */
async function loadCode(storage: Storage, codeHash: string): Promise<CodeBundle> {
  const text = utf8.decode(await storage.blobs.get(codeHash));
  try {
    JSON.parse(text);
  } catch {
    return singleModuleBundle(text);
  }
  return parseCodeBundle(text);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") {
        reject(
          new CliError(
            `port ${port} on ${host} is already in use`,
            "stop the other process, or choose another port with --port (0 picks a free one)",
          ),
        );
      } else if (error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND") {
        reject(
          new CliError(`cannot listen on ${host}: no such local address`, "use --host 127.0.0.1 or 0.0.0.0"),
        );
      } else {
        reject(error);
      }
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

/** Stops accepting, lets in-flight requests finish, and cuts the connections still open after `drainMs`. */
function stopAccepting(server: Server, drainMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), drainMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

function formatHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}
