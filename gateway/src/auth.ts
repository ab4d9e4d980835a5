// Bearer-key authentication for the admin API: who is calling, and may they act on this tenant.
//
// Who may do what:
// - the operator (SKIFF_ADMIN_TOKEN): everything, in every tenant; tenant management and quotas are theirs alone.
// - an `admin` key: everything in its own tenant, API key management included.
// - a `deploy` key: everything in its own tenant except managing API keys (and quotas, operator-only anyway).
// - a `read` key: GET and HEAD in its own tenant, except the key list (which is key management).
// Any key may revoke itself (DELETE /tenants/{t}/keys/{its id}), so whoever holds a leaked key can disable it.
// A key of another tenant is refused with 403 before anything is looked up.
import { hash, timingSafeEqual } from "node:crypto";
import { SkiffError } from "@skiff/core";
import type { ApiKeyRecord, ApiKeyRepository } from "@skiff/storage";
import { createMiddleware } from "hono/factory";
import type { Logger } from "pino";
import { KeyDigests } from "./key-digests.js";
import type { KeyLookupCache } from "./key-lookup-cache.js";

/** The caller behind a request: the operator (SKIFF_ADMIN_TOKEN) or one tenant's API key. */
export type Principal = { kind: "operator" } | { kind: "tenant"; tenant: string; key: ApiKeyRecord };

export interface AuthEnv {
  Variables: { principal: Principal };
}

export interface BearerAuthOptions {
  /** The operator key; absent or empty means nobody has operator access. */
  adminToken?: string | undefined;
  apiKeys: ApiKeyRepository;
  now: () => number;
  logger: Logger;
  /** Least time between two last-used writes of one key. Default {@link KEY_USE_WRITE_INTERVAL_MS}. */
  keyUseWriteIntervalMs?: number;
  /** Remembers found keys for a few seconds (revocations must `forget` them); absent: every request asks storage. */
  cache?: KeyLookupCache | undefined;
}

/** A key's last-used time is written at most this often: a busy key must not write SQLite on every request. */
export const KEY_USE_WRITE_INTERVAL_MS = 60_000;

/** Past this many remembered keys, those not written within the interval are forgotten (they would write anyway). */
const KEY_USE_MEMORY = 10_000;

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

function digest(value: string): Buffer {
  // The one-shot form: no Hash object per request (a third of the cost for a key-sized input).
  return hash("sha256", value, "buffer");
}

/**
 * Sets `principal` from `Authorization: Bearer <key>`, or answers 401. The operator key is compared in constant
 * time over digests (equal lengths, whatever the input); tenant keys are looked up by their SHA-256 hash.
 */
export function bearerAuth(options: BearerAuthOptions) {
  const authenticate = bearerAuthenticator(options);
  return createMiddleware<AuthEnv>(async (c, next) => {
    c.set("principal", await authenticate(c.req.header("authorization")));
    return next();
  });
}

/**
 * `bearerAuth`'s check without Hono: the caller behind an `Authorization` header value, or 401 UNAUTHORIZED.
 * For handlers that answer straight from Node's request (the async invoke).
 */
export function bearerAuthenticator(
  options: BearerAuthOptions,
): (authorization: string | undefined) => Promise<Principal> {
  const adminDigest = options.adminToken ? digest(options.adminToken) : undefined;
  const recordUse = keyUseRecorder(options);
  const digests = new KeyDigests();
  return async (header) => {
    const key = header === undefined ? undefined : BEARER.exec(header)?.[1];
    if (key === undefined) {
      throw new SkiffError("UNAUTHORIZED", "missing API key: send the header 'Authorization: Bearer <key>'");
    }
    // One SHA-256 serves both checks: the operator comparison and the tenant key's lookup (its hex).
    const keyDigest = digests.of(key);
    if (adminDigest !== undefined && timingSafeEqual(keyDigest.bytes, adminDigest)) {
      digests.keep(key, keyDigest);
      return { kind: "operator" };
    }
    const record = await (options.cache?.find(options.apiKeys, keyDigest.hex) ??
      options.apiKeys.findByHash(keyDigest.hex));
    if (record === undefined) throw new SkiffError("UNAUTHORIZED", "unknown or revoked API key");
    digests.keep(key, keyDigest);
    recordUse(record.id);
    return { kind: "tenant", tenant: record.tenantName, key: record };
  };
}

/**
 * Writes a key's last-used time off the request path, at most once per interval per key (remembered in
 * memory, so the recorded time is at most one interval stale). A failed write is logged, never the request's
 * failure, and is tried again after the interval, not on every request.
 */
function keyUseRecorder(options: BearerAuthOptions): (keyId: string) => void {
  const interval = options.keyUseWriteIntervalMs ?? KEY_USE_WRITE_INTERVAL_MS;
  const lastWrite = new Map<string, number>();
  return (keyId) => {
    const now = options.now();
    const last = lastWrite.get(keyId);
    if (last !== undefined && now - last < interval) return;
    if (lastWrite.size >= KEY_USE_MEMORY) {
      for (const [id, at] of lastWrite) if (now - at >= interval) lastWrite.delete(id);
    }
    lastWrite.set(keyId, now);
    options.apiKeys.touch(keyId, now).catch((err: unknown) => {
      options.logger.warn({ err, keyId }, "could not record API key use");
    });
  };
}

/** Lets only the operator through (tenant management). */
export const requireOperator = createMiddleware<AuthEnv>(async (c, next) => {
  if (c.get("principal").kind !== "operator") {
    throw new SkiffError("FORBIDDEN", "this operation needs the operator key");
  }
  return next();
});

const READ_METHODS = new Set(["GET", "HEAD"]);

/**
 * The resource below `/tenants/{t}/` (the first such segment, so a name further down can not pose as one) and
 * what follows it: `keys` is key management, and `keys/{id}` names one key.
 */
const TENANT_AREA = /^.*?\/tenants\/[^/]+\/([^/]*)(?:\/(.*))?$/;

/** What a request asks of a tenant, as far as the role rules care. */
export interface TenantRequest {
  tenant: string;
  method: string;
  /** The request path, from which key management is told apart from the tenant's other resources. */
  path: string;
}

/**
 * Why `principal` may not make `request`, or undefined when it may: the role rules at the top of this file,
 * in one place.
 */
export function tenantAccessRefusal(principal: Principal, request: TenantRequest): string | undefined {
  if (principal.kind === "operator") return undefined;
  if (principal.tenant !== request.tenant) return "this API key belongs to another tenant";
  const { role, id } = principal.key;
  // Only key management has rules of its own, and its paths hold "/keys": the others skip the expression.
  const area = request.path.includes("/keys") ? TENANT_AREA.exec(request.path) : null;
  if (area?.[1] === "keys") {
    if (role === "admin") return undefined;
    const target = area[2]?.replace(/\/$/, "");
    if (request.method === "DELETE" && target === id) return undefined;
    return "managing API keys needs an admin key of this tenant (any key may revoke itself)";
  }
  if (role === "read" && !READ_METHODS.has(request.method)) return "this API key may only read";
  return undefined;
}

/** Lets through the operator and the keys of the tenant named by the `:tenant` route parameter, by role. */
export const requireTenantAccess = createMiddleware<AuthEnv>(async (c, next) => {
  const refusal = tenantAccessRefusal(c.get("principal"), {
    tenant: c.req.param("tenant") ?? "",
    method: c.req.method,
    path: c.req.path,
  });
  if (refusal !== undefined) throw new SkiffError("FORBIDDEN", refusal);
  return next();
});
