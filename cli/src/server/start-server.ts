// The composition root: storage, runtime and gateway wired together behind one HTTP server.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { LIMITS, newApiKey, parseCodeBundle, singleModuleBundle } from "@skiff/core";
import {
  createBindingHost,
  createGateway,
  type Gateway,
  guardRuntime,
  type InvocationBus,
  notificationReporter,
  type PriceTable,
  StoredBytesGuard,
  TenantLimiter,
  webhookDeliveryHooks,
} from "@skiff/gateway";
import { DEFAULT_MAX_URL_BYTES } from "@skiff/gateway/worker-data-plane";
import { type EgressPolicy, type QuarantineInfo, Supervisor } from "@skiff/runtime";
import { Scheduler } from "@skiff/scheduler";
import { openStorage, type Storage } from "@skiff/storage";
import type { Logger } from "pino";
import { type AdminToken, resolveAdminToken } from "./admin-token.js";
import { CodeBundleCache, type LoadedBundle } from "./code-bundle-cache.js";
import { type DefaultTenant, ensureDefaultTenant } from "./default-tenant.js";
import { type RunningDirectDataPlane, startDirectDataPlane } from "./direct/main-plane.js";
import { deployExamples, type ExampleDeployment } from "./examples.js";
import { createHttpServer, type FetchHandler, type HttpServerLimits } from "./http-server.js";
import { startMetricsServer } from "./metrics-server.js";

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
  /** How long in-flight requests may take to finish on close before their connections are cut (SKIFF_DRAIN_MS). */
  drainMs?: number;
  /** Timeouts and size limits of the HTTP server (SKIFF_HTTP_* variables); defaults in `DEFAULT_HTTP_LIMITS`. */
  http?: Partial<HttpServerLimits>;
  /** Longest request URL path + query in bytes (SKIFF_HTTP_MAX_URL_BYTES); longer → 414. Default 8 KB. */
  maxUrlBytes?: number;
  /** How long an async event's lease lasts (SKIFF_EVENT_LEASE_MS); after a crash, the wait before redelivery. */
  eventLeaseMs?: number;
  /** Most async events (and queue messages) delivered at once (SKIFF_ASYNC_IN_FLIGHT); default 128. */
  asyncInFlight?: number;
  /** How long webhook deliveries are kept (SKIFF_WEBHOOK_RETENTION_DAYS); default 7. */
  webhookRetentionDays?: number;
  /** Largest object a bucket takes (SKIFF_MAX_OBJECT_BYTES); default 100 MB. */
  maxObjectBytes?: number;
  /** `SKIFF_MASTER_KEY` (64 hex digits or base64); absent: `<dataDir>/master.key`, created on first start. */
  masterKey?: string | undefined;
  /** The operator's egress policy for tenant `fetch`; the server's own address is always added as refused. */
  egress?: Partial<EgressPolicy>;
  /** RSS hard cap per runtime worker in MB (SKIFF_WORKER_RSS_MB); default 2048. */
  maxWorkerRssMb?: number;
  /**
   * Also serve `/metrics` without a key on this port (SKIFF_METRICS_PORT; 0 picks a free one), bound to
   * `metricsHost` (SKIFF_METRICS_HOST, default 127.0.0.1). The main port's `/metrics` needs the operator key.
   */
  metricsPort?: number;
  metricsHost?: string;
  /**
   * Also serve function requests on this port (SKIFF_DATA_PLANE_PORT; 0 picks a free one), answered by the
   * runtime workers themselves: no hop through this process per request. Bound to `dataPlaneHost`
   * (SKIFF_DATA_PLANE_HOST, default `host`). Anything but a function request gets 404 there.
   */
  dataPlanePort?: number;
  dataPlaneHost?: string;
  /** The operator's price table (SKIFF_PRICES / SKIFF_PRICES_FILE): usage then carries an estimated cost. */
  prices?: PriceTable;
  /** Puts a handler in front of the gateway (`skiff dev`: `/__scheduled`, the project's function at `/`). */
  wrapFetch?: (gatewayFetch: FetchHandler) => FetchHandler;
}

export interface RunningServer {
  url: string;
  port: number;
  adminToken: AdminToken;
  defaultTenant: DefaultTenant;
  examples: ExampleDeployment[];
  /** The keyless metrics listener's URL (`…/metrics`), when `metricsPort` was given. */
  metricsUrl?: string;
  /** The direct data plane's URL, when `dataPlanePort` was given. */
  dataPlaneUrl?: string;
  /** Every invocation record as it finishes (the gateway's bus): `skiff dev` prints their logs. */
  invocations: InvocationBus;
  /** Stops accepting connections, then closes the gateway, the runtime and storage, in that order. */
  close(): Promise<void>;
}

const utf8 = new TextDecoder();
/** Functions answer at `{function}.{tenant}.{BASE_DOMAIN}`, on the main port and the direct data plane alike. */
const BASE_DOMAIN = "localhost";
/** Longest wait at start for the runtime workers to be ready before listening anyway. */
const WORKERS_READY_WAIT_MS = 15_000;

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
    // Per-tenant quotas, enforced in memory and shared by everything that runs tenant code or stores its bytes:
    // the gateway, the scheduler (through the guarded runtime) and the binding host.
    const limiter = new TenantLimiter({ quotas: await storage.tenantQuotas.all() });
    // Declared before the runtime: binding writes wake the scheduler, which needs the runtime to exist first,
    // and the runtime's quarantines are persisted by the gateway.
    let scheduler: Scheduler | undefined;
    let gateway: Gateway | undefined;
    // A cold start's code comes from memory: bundles are loaded when deployed (and at start), not when called.
    const code = new CodeBundleCache({ load: (codeHash) => loadCode(storage, codeHash) });
    const runtime = new Supervisor({
      loadCode: (spec) => code.get(spec.codeHash),
      // Bucket and KV bindings are served here, where storage lives; the workers only forward calls.
      bindingHost: createBindingHost({
        storage,
        now: Date.now,
        maxObjectBytes,
        onNotified: notificationReporter(logger, () => scheduler?.wake()),
        storedBytes: new StoredBytesGuard(storage.usage, limiter),
        // Queue sends and topic publications go through the gateway's producer (quota, wake-up), made later.
        messages: () => gateway?.messages,
        // Service binding calls run through the guarded runtime (tenant quotas), find their target in the
        // gateway's routing table and record through its writer: all made after this host, so asked lazily.
        services: () =>
          gateway === undefined
            ? undefined
            : {
                resolve: (tenant, name) => gateway?.routes.get(tenant, name),
                runtime: guarded,
                record: (record) => gateway?.record(record),
              },
      }),
      ...(options.egress === undefined ? {} : { egress: options.egress }),
      ...(options.maxWorkerRssMb === undefined ? {} : { maxWorkerRssMb: options.maxWorkerRssMb }),
      // V8 code caches survive restarts, so a cold start after one does not compile from scratch.
      workerEnv: { ...process.env, SKIFF_COMPILE_CACHE_DIR: join(options.dataDir, "compile-cache") },
      onEvent: (event) => {
        logger.warn({ runtime: event }, `runtime ${event.type}`);
        gateway?.metrics.observeRuntimeEvent(event);
        const quarantine = quarantineOf(event);
        if (quarantine !== undefined) void gateway?.quarantined(quarantine);
      },
    });
    cleanups.push(() => runtime.close());
    // Every invocation, from any trigger, counts against its tenant's concurrency and memory quotas.
    const guarded = guardRuntime(runtime, limiter);
    // The scheduler finds functions through the gateway's routing table, and the gateway enqueues through it.
    scheduler = new Scheduler({
      storage,
      runtime: guarded,
      resolve: (tenant, name) => gateway?.routes.get(tenant, name),
      onInvocation: (record) => gateway?.record(record),
      onCronStarted: (run) => gateway?.metrics.observeCronStart(run),
      onError: (error) => logger.error({ err: error }, "scheduler error"),
      // Webhook deliveries keep their log (status, attempts, invocation) current as the queue delivers them.
      hooks: {
        webhook: webhookDeliveryHooks(storage.webhooks, (error) =>
          logger.error({ err: error }, "could not update a webhook delivery's status"),
        ),
      },
      ...(options.eventLeaseMs === undefined ? {} : { leaseMs: options.eventLeaseMs }),
      ...(options.asyncInFlight === undefined ? {} : { maxInFlight: options.asyncInFlight }),
    });
    gateway = await createGateway({
      storage,
      runtime: guarded,
      limiter,
      adminToken: adminToken.token,
      logger,
      scheduler,
      maxObjectBytes,
      baseDomain: BASE_DOMAIN,
      requestBodyBytes: LIMITS.requestBodyBytes,
      // /metrics: the workers and their isolate caches are sampled on each scrape, with Node's process metrics.
      runtimeStats: () => runtime.stats(),
      processMetrics: true,
      ...(options.prices === undefined ? {} : { prices: options.prices }),
      ...(options.maxUrlBytes === undefined ? {} : { maxUrlBytes: options.maxUrlBytes }),
      ...(options.drainMs === undefined ? {} : { drainMs: options.drainMs }),
    });
    const routes = gateway.routes;
    cleanups.push(() => (gateway as Gateway).close());
    routes.onChange((tenant, name, version) => {
      if (version !== undefined) code.prefetch(version.codeHash);
      scheduler.functionChanged(tenant, name, version);
    });
    void code.preload([...routes.entries()].map((version) => version.codeHash));
    await scheduler.start(routes.entries());
    // On shutdown: no new ticks or leases; deliveries in flight finish (bounded); leases are released.
    cleanups.push(() => scheduler.stop(options.drainMs ?? 5_000));
    // The runtime workers load their modules as they start (a second or more on a busy machine): listen once
    // they are up, so that the first requests do not wait for it. Bounded: a worker that can not start is the
    // supervisor's to restart, and requests then wait for it as before.
    await waitAtMost(runtime.ready(), WORKERS_READY_WAIT_MS);

    const examples =
      options.examplesDir === undefined
        ? []
        : await deployExamples({
            app: gateway.app,
            adminToken: adminToken.token,
            storage,
            dir: options.examplesDir,
          });

    // Data-plane requests are answered straight from Node (no Fetch objects), unless a wrapper must see them all.
    const http =
      options.wrapFetch === undefined
        ? createHttpServer(gateway.app.fetch, options.http, gateway.nodeDataPlane)
        : createHttpServer(options.wrapFetch(gateway.app.fetch), options.http);
    const { port, address } = await http.listen(options.port, options.host);
    const drainMs = options.drainMs ?? 5_000;
    let directPlane: RunningDirectDataPlane | undefined;
    // Runs first on close: no new connections on either port, in-flight requests answered with `Connection:
    // close`. Both before the gateway closes, so the direct plane's last records still reach its writer.
    cleanups.push(async () => {
      await Promise.all([http.drain(drainMs), directPlane?.close(drainMs)]);
    });
    // Runs before the drain: live streams (logs follow) would otherwise hold it for the whole of drainMs.
    cleanups.push(async () => (gateway as Gateway).endStreams());
    const platformAddresses = [`${formatHost(address)}:${port}`];
    const url = `http://${formatHost(options.host)}:${port}`;
    if (options.dataPlanePort !== undefined) {
      directPlane = await startDirectDataPlane({
        runtime,
        gateway,
        port: options.dataPlanePort,
        host: options.dataPlaneHost ?? options.host,
        config: {
          baseDomain: BASE_DOMAIN,
          requestBodyBytes: LIMITS.requestBodyBytes,
          maxUrlBytes: options.maxUrlBytes ?? DEFAULT_MAX_URL_BYTES,
          http: { ...http.limits },
          logLevel: logger.level,
          mainUrl: url,
        },
        logger,
      });
      platformAddresses.push(`${formatHost(directPlane.address)}:${directPlane.port}`);
    }
    // Tenant code must not reach the platform's own API (nor its data plane) through fetch (DESIGN §7).
    runtime.configureEgress({ platformAddresses });
    const metricsServer =
      options.metricsPort === undefined
        ? undefined
        : await startMetricsServer(gateway.metrics, options.metricsPort, options.metricsHost ?? "127.0.0.1");
    if (metricsServer !== undefined) cleanups.push(() => metricsServer.close());

    return {
      url,
      port,
      adminToken,
      defaultTenant,
      examples,
      invocations: gateway.invocations,
      ...(metricsServer === undefined ? {} : { metricsUrl: metricsServer.url }),
      ...(directPlane === undefined ? {} : { dataPlaneUrl: directPlane.url }),
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** The quarantine a supervisor event reports (`{type: "quarantined", info}`), checked field by field. */
function quarantineOf(event: { type: string }): QuarantineInfo | undefined {
  if (event.type !== "quarantined" || !("info" in event)) return undefined;
  const info = event.info as Partial<QuarantineInfo> | null;
  if (
    typeof info?.tenant !== "string" ||
    typeof info.functionName !== "string" ||
    typeof info.versionId !== "string" ||
    typeof info.since !== "number" ||
    typeof info.crashes !== "number" ||
    typeof info.reason !== "string"
  ) {
    return undefined;
  }
  return { ...info } as QuarantineInfo;
}

/** A version's code bundle. Blobs stored before bundles existed hold one module's source. */
async function loadCode(storage: Storage, codeHash: string): Promise<LoadedBundle> {
  const blob = await storage.blobs.get(codeHash);
  const text = utf8.decode(blob);
  try {
    JSON.parse(text);
  } catch {
    return { bundle: singleModuleBundle(text), bytes: blob.byteLength };
  }
  return { bundle: parseCodeBundle(text), bytes: blob.byteLength };
}

/** Resolves when `promise` settles (whichever way) or after `ms`, whichever comes first. */
async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.catch(() => {}),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

function formatHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}
