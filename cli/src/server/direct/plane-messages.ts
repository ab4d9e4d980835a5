// What the main process and the runtime workers' direct data plane say to each other (through the runtime's
// `DirectPlaneHost`, which carries them without reading them): the plane's settings and starting state, route and
// quota changes one way, invocation records and HTTP metrics the other.
import type { InvocationRecord, TenantQuotas } from "@skiff/core";
import type { VersionSpec } from "@skiff/runtime";
import type { HttpServerLimits } from "../http-server.js";

/** `host.config`: what each worker's plane is set up with, once. */
export interface DirectPlaneConfig {
  /** Functions answer at `{function}.{tenant}.{baseDomain}` too, as on the main port. */
  baseDomain: string;
  requestBodyBytes: number;
  maxUrlBytes: number;
  http: HttpServerLimits;
  /** pino level of the worker's request logs (SKIFF_LOG_LEVEL). */
  logLevel: string;
  /** The main port's URL, named in the 404 of anything that is not a function request. */
  mainUrl: string;
}

/** `host.snapshot`: the routes and each routed tenant's (whole, not yet shared) quotas, when a worker starts. */
export interface DirectPlaneSnapshot {
  routes: VersionSpec[];
  quotas: Array<[tenant: string, quotas: TenantQuotas]>;
  /** The number of the last route change the routes include (route-followers.ts). */
  seq: number;
}

/**
 * Broadcast by the main process. A route change carries the tenant's quotas, so a worker always holds the quotas
 * of every tenant it routes, also a tenant whose first function was deployed after the worker started.
 */
export type MainMessage =
  | {
      type: "route";
      /** Numbers the change: the worker says it applied it (`WorkerMessage.routed`). */
      seq: number;
      tenant: string;
      functionName: string;
      version: VersionSpec | null;
      quotas: TenantQuotas;
    }
  | { type: "quotas"; tenant: string; quotas: TenantQuotas };

/** One HTTP request a worker answered, for the main process's RED metrics. */
export type HttpObservation = [route: "function" | "other", method: string, status: number, seconds: number];

/** Sent by a worker at most once per event-loop turn: what that turn finished. */
export interface WorkerMessage {
  records?: InvocationRecord[];
  http?: HttpObservation[];
  /**
   * Sent once, just after the runtime learned that this worker's plane is ready (so that the worker is already
   * among those it hands connections to): the main process listens once every worker said so.
   */
  ready?: true;
  /** The number of the last route change this worker's plane applied (with `ready`: its snapshot's). */
  routed?: number;
}

/**
 * The records and observations in a worker's message, each checked just enough that the main process cannot
 * throw on it (the worker is the platform's own code, but a bug there must not take the main process down).
 */
export function readWorkerMessage(data: unknown): {
  records: InvocationRecord[];
  http: HttpObservation[];
  ready: boolean;
  routed: number | undefined;
} {
  const message = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
  const records = Array.isArray(message.records) ? message.records.filter(isRecord) : [];
  const http = Array.isArray(message.http) ? message.http.filter(isObservation) : [];
  const routed = Number.isSafeInteger(message.routed) ? (message.routed as number) : undefined;
  return { records, http, ready: message.ready === true, routed };
}

function isRecord(value: unknown): value is InvocationRecord {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Partial<InvocationRecord>;
  return (
    typeof record.id === "string" &&
    typeof record.tenant === "string" &&
    typeof record.functionName === "string" &&
    typeof record.version === "number" &&
    typeof record.outcome === "string" &&
    typeof record.status === "number" &&
    typeof record.startedAt === "number" &&
    Array.isArray(record.logs)
  );
}

function isObservation(value: unknown): value is HttpObservation {
  if (!Array.isArray(value) || value.length !== 4) return false;
  const [route, method, status, seconds] = value as unknown[];
  return (
    (route === "function" || route === "other") &&
    typeof method === "string" &&
    Number.isInteger(status) &&
    typeof seconds === "number" &&
    Number.isFinite(seconds)
  );
}
