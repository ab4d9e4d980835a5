// Composes the gateway: routing table from storage, error rendering, data plane, health and admin API.
import { type InvocationRecord, LIMITS, newId } from "@skiff/core";
import type { QuarantineInfo, Runtime, RuntimeStats } from "@skiff/runtime";
import type { Storage, WriteContext } from "@skiff/storage";
import { Hono } from "hono";
import { type Logger, pino } from "pino";
import { adminApi } from "./admin/admin-api.js";
import { nodeAsyncInvoke } from "./admin/node-async-invoke.js";
import { dashboard } from "./dashboard/index.js";
import { useDataPlaneChain } from "./data-plane/data-plane-chain.js";
import { InFlightInvocations } from "./data-plane/in-flight.js";
import { type NodeRequestHandler, nodeDataPlane } from "./data-plane/node-data-plane.js";
import type { SchedulerPort } from "./deps.js";
import { notFoundHandler } from "./error-handler.js";
import { guardRuntime } from "./guarded-runtime.js";
import { DEFAULT_MAX_URL_BYTES } from "./http/url-limit.js";
import { InvocationWriter } from "./invocation-writer.js";
import { KeyLookupCache } from "./key-lookup-cache.js";
import { KeyedLock } from "./keyed-lock.js";
import { metricsRoute, PlatformMetrics } from "./metrics/index.js";
import { notificationReporter } from "./notification-reporter.js";
import { createInvocationBus, type InvocationBus } from "./observe/invocation-bus.js";
import { MessageProducer } from "./queues/message-producer.js";
import { StoredBytesGuard } from "./quotas/stored-bytes-guard.js";
import { TenantLimiter } from "./quotas/tenant-limiter.js";
import { RoutingTable } from "./routing-table.js";
import { gatewayRequestPath } from "./s3/request-target.js";
import { s3Api } from "./s3/s3-api.js";
import type { PriceTable } from "./usage/price-table.js";
import { webhookReceiver } from "./webhooks/webhook-receiver.js";
import { WEBHOOK_BODY_BYTES, WEBHOOK_DEDUPE_WINDOW_MS } from "./webhooks/webhook-settings.js";

export interface GatewayOptions {
  storage: Storage;
  runtime: Runtime;
  /** The operator key (SKIFF_ADMIN_TOKEN); absent means no operator access. */
  adminToken?: string;
  logger?: Logger;
  /** Clock for timestamps, epoch ms. */
  now?: () => number;
  /** Invocation ids. */
  newId?: () => string;
  /** Functions answer at `{function}.{tenant}.{baseDomain}`. Default "localhost". */
  baseDomain?: string;
  /** Largest request body a function receives. Default `LIMITS.requestBodyBytes`. */
  requestBodyBytes?: number;
  /** Largest bucket object an upload may store, counted while it streams in. Default `LIMITS.objectBytes`. */
  maxObjectBytes?: number;
  /** Invocation records kept per function. Default 1000. */
  invocationRetention?: number;
  /** Cron triggers and async delivery; without it, `?async=1` and the trigger routes answer 503. */
  scheduler?: SchedulerPort;
  /** Largest body a webhook receiver accepts. Default 1 MB. */
  webhookBodyBytes?: number;
  /** Longest request target (path + query) in bytes; longer → 414 URI_TOO_LONG. Default 8 KB. */
  maxUrlBytes?: number;
  /** How long `close()` waits for in-flight invocations, so their records are written. Default 5 s. */
  drainMs?: number;
  /**
   * The per-tenant limits, shared with whatever else runs tenant code (the scheduler, the binding host); default
   * one loaded from `storage.tenantQuotas`. `runtime` is guarded with it unless it already is.
   */
  limiter?: TenantLimiter;
  /** The supervisor's `stats()`, sampled on each scrape of `/metrics` (workers, isolate cache). */
  runtimeStats?: () => Promise<RuntimeStats>;
  /** Also Node's process metrics in `/metrics` (off by default: they keep monitors running per gateway). */
  processMetrics?: boolean;
  /** The operator's price table (SKIFF_PRICES): `GET …/usage` then adds an estimated cost. */
  prices?: PriceTable;
}

export interface Gateway {
  app: Hono;
  /**
   * Answers data-plane requests and plain async invokes straight from Node's `request` event (true), without the Hono chain and its
   * Fetch objects, exactly as `app` would; anything else returns false at once and belongs to `app.fetch`.
   */
  nodeDataPlane: NodeRequestHandler;
  routes: RoutingTable;
  /** The per-tenant limits in force; the quota routes update them. */
  limiter: TenantLimiter;
  /** Sends to queues and publishes to topics; the binding host uses it too (env.QUEUE.send, env.TOPIC.publish). */
  messages: MessageProducer;
  /**
   * Persists a quarantine the runtime decided (its "quarantined" event), unless a deploy or rollback already
   * replaced the crashed version, in which case the runtime's quarantine is lifted instead. Never throws.
   */
  quarantined(info: QuarantineInfo): Promise<void>;
  /** Every invocation record as it finishes (data plane, invoke route, webhooks, scheduler deliveries). */
  invocations: InvocationBus;
  /** The Prometheus registry behind `/metrics`; feed it the supervisor's events and the scheduler's cron starts. */
  metrics: PlatformMetrics;
  /** Ends live streams (logs follow) so a draining server need not wait for them; `close()` does it too. */
  endStreams(): void;
  /** Keeps the record of an invocation run elsewhere (the scheduler's deliveries), batched with the rest. */
  record(record: InvocationRecord): void;
  /** Writes buffered invocation records now. */
  flush(): Promise<void>;
  /** Writes buffered invocation records and stops; storage and runtime belong to the caller and stay open. */
  close(): Promise<void>;
}

/**
 * Builds the Hono app. The routing table is loaded from `storage.functions.listActive()` here, once; after that
 * only the admin API changes it.
 *
 * @example
 * const gateway = await createGateway({ storage, runtime, adminToken: process.env.SKIFF_ADMIN_TOKEN });
 * serve({ fetch: gateway.app.fetch, port: 8787 });
 */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const logger = options.logger ?? pino({ enabled: false });
  const now = options.now ?? Date.now;
  const limiter =
    options.limiter ?? new TenantLimiter({ quotas: await options.storage.tenantQuotas.all(), now });
  const runtime = guardRuntime(options.runtime, limiter);
  const routes = new RoutingTable(await options.storage.functions.listActive(), {
    allowCodeGeneration: (tenant) => limiter.quotas(tenant).allowCodeGeneration,
  });
  // Quarantines outlive restarts: the runtime refuses the crashed versions again from the start.
  for (const quarantine of await options.storage.functions.listQuarantined()) runtime.quarantine(quarantine);
  const invocations = createInvocationBus((err) => logger.error({ err }, "an invocation listener failed"));
  const streams = new AbortController();
  const writer = new InvocationWriter({
    repository: options.storage.invocations,
    logger,
    retention: options.invocationRetention ?? 1000,
    bus: invocations,
  });
  const metrics = new PlatformMetrics({
    invocations,
    backlog: options.storage.backlog,
    writer,
    runtimeStats: options.runtimeStats,
    logger,
    now,
    processMetrics: options.processMetrics ?? false,
  });
  const reportNotifications = notificationReporter(logger, () => options.scheduler?.wake());
  const messages = new MessageProducer({
    storage: options.storage,
    now,
    wake: () => options.scheduler?.wake(),
    // Queue sends and topic publications count as async events against the tenant's quota.
    admit: (tenant, events) => limiter.admitAsyncEvents(tenant, events),
  });
  const deps = {
    storage: options.storage,
    runtime,
    routes,
    limiter,
    storedBytes: new StoredBytesGuard(options.storage.usage, limiter),
    writer,
    invocations,
    streamsClosed: streams.signal,
    locks: new KeyedLock(),
    logger,
    now,
    newId: options.newId ?? newId,
    baseDomain: options.baseDomain ?? "localhost",
    requestBodyBytes: options.requestBodyBytes ?? LIMITS.requestBodyBytes,
    maxObjectBytes: options.maxObjectBytes ?? LIMITS.objectBytes,
    writeContext: (action: WriteContext["action"], extra: Partial<WriteContext> = {}): WriteContext => ({
      now: now(),
      action,
      ...extra,
      onNotified: reportNotifications,
    }),
    adminToken: options.adminToken || undefined,
    // Shared by the admin API's auth and its key revocation, which forgets a revoked key at once.
    keyCache: new KeyLookupCache({ now }),
    scheduler: options.scheduler,
    messages,
    prices: options.prices,
    runtimeStats: options.runtimeStats,
    // Shared by every path that runs an invocation for a client (data plane, invoke route, webhooks).
    inFlight: new InFlightInvocations(),
  };

  // The raw path for /s3 requests: S3 keys may hold "." and ".." segments that URL parsing would resolve away.
  const app = new Hono({ getPath: gatewayRequestPath });
  app.notFound(notFoundHandler);
  const maxUrlBytes = options.maxUrlBytes ?? DEFAULT_MAX_URL_BYTES;
  // Shared with a runtime worker's direct data plane, so both ports answer function requests alike.
  useDataPlaneChain(app, { ...deps, metrics, maxUrlBytes });
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.route(
    "/metrics",
    metricsRoute({ metrics, adminToken: deps.adminToken, apiKeys: options.storage.apiKeys, now, logger }),
  );
  app.route("/s3", s3Api(deps));
  // Public: the signature is the credential, so it comes before the admin API's bearer auth.
  app.route(
    "/hooks",
    webhookReceiver({
      ...deps,
      webhookBodyBytes: options.webhookBodyBytes ?? WEBHOOK_BODY_BYTES,
      webhookDedupeWindowMs: WEBHOOK_DEDUPE_WINDOW_MS,
    }),
  );
  app.route("/api/v1", adminApi(deps));
  app.route("/dashboard", dashboard({ ...deps, api: app }));

  const quarantined = async (info: QuarantineInfo): Promise<void> => {
    const { tenant, functionName } = info;
    try {
      await deps.locks.run(`${tenant}/${functionName}`, async () => {
        const stored = await options.storage.functions.setQuarantine(tenant, functionName, {
          versionId: info.versionId,
          since: info.since,
          crashes: info.crashes,
          reason: info.reason,
        });
        if (stored) logger.warn({ quarantine: info }, "function quarantined");
        else runtime.liftQuarantine(tenant, functionName);
      });
    } catch (error) {
      // The runtime keeps refusing the version; only the record of it (and its survival of a restart) is lost.
      logger.error({ err: error, quarantine: info }, "could not store a function's quarantine");
    }
  };

  const functionRequests = nodeDataPlane({ ...deps, maxUrlBytes, metrics });
  const asyncInvokes = nodeAsyncInvoke({ ...deps, maxUrlBytes, metrics });
  return {
    app,
    // The async invoke's check is the cheaper one (a method and a pattern); it leaves function hosts alone.
    nodeDataPlane: (incoming, outgoing) =>
      asyncInvokes(incoming, outgoing) || functionRequests(incoming, outgoing),
    routes,
    limiter,
    messages,
    quarantined,
    invocations,
    metrics,
    endStreams: () => streams.abort(),
    record: (record) => writer.add(record),
    flush: () => writer.flush(),
    close: async () => {
      streams.abort();
      await deps.inFlight.settled(options.drainMs ?? 5_000);
      await writer.close();
      metrics.close();
    },
  };
}
