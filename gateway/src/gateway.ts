// Composes the gateway: routing table from storage, error rendering, data plane, health and admin API.
import { type InvocationRecord, LIMITS, newId } from "@skiff/core";
import type { Runtime } from "@skiff/runtime";
import type { Storage, WriteContext } from "@skiff/storage";
import { Hono } from "hono";
import { type Logger, pino } from "pino";
import { adminApi } from "./admin/admin-api.js";
import { dataPlane } from "./data-plane/data-plane.js";
import type { SchedulerPort } from "./deps.js";
import { createErrorHandler, notFoundHandler } from "./error-handler.js";
import { InvocationWriter } from "./invocation-writer.js";
import { KeyedLock } from "./keyed-lock.js";
import { notificationReporter } from "./notification-reporter.js";
import { RoutingTable } from "./routing-table.js";
import { gatewayRequestPath } from "./s3/request-target.js";
import { s3Api } from "./s3/s3-api.js";
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
}

export interface Gateway {
  app: Hono;
  routes: RoutingTable;
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
  const routes = new RoutingTable(await options.storage.functions.listActive());
  const writer = new InvocationWriter({
    repository: options.storage.invocations,
    logger,
    retention: options.invocationRetention ?? 1000,
  });
  const reportNotifications = notificationReporter(logger, () => options.scheduler?.wake());
  const deps = {
    storage: options.storage,
    runtime: options.runtime,
    routes,
    writer,
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
    scheduler: options.scheduler,
  };

  // The raw path for /s3 requests: S3 keys may hold "." and ".." segments that URL parsing would resolve away.
  const app = new Hono({ getPath: gatewayRequestPath });
  app.onError(createErrorHandler(logger));
  app.notFound(notFoundHandler);
  // First, so that a function's host owns every path on it, /healthz and /api included.
  app.use("*", dataPlane(deps));
  app.get("/healthz", (c) => c.json({ status: "ok" }));
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

  return {
    app,
    routes,
    record: (record) => writer.add(record),
    flush: () => writer.flush(),
    close: () => writer.close(),
  };
}
