// Bearer-key authentication for the admin API: who is calling, and may they act on this tenant.
import { createHash, timingSafeEqual } from "node:crypto";
import { SkiffError, sha256Hex } from "@skiff/core";
import type { ApiKeyRecord, ApiKeyRepository } from "@skiff/storage";
import { createMiddleware } from "hono/factory";
import type { Logger } from "pino";

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
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/**
 * Sets `principal` from `Authorization: Bearer <key>`, or answers 401. The operator key is compared in constant
 * time over digests (equal lengths, whatever the input); tenant keys are looked up by their SHA-256 hash.
 */
export function bearerAuth(options: BearerAuthOptions) {
  const adminDigest = options.adminToken ? digest(options.adminToken) : undefined;
  return createMiddleware<AuthEnv>(async (c, next) => {
    const header = c.req.header("authorization");
    const key = header === undefined ? undefined : BEARER.exec(header)?.[1];
    if (key === undefined) {
      throw new SkiffError("UNAUTHORIZED", "missing API key: send the header 'Authorization: Bearer <key>'");
    }
    if (adminDigest !== undefined && timingSafeEqual(digest(key), adminDigest)) {
      c.set("principal", { kind: "operator" });
      return next();
    }
    const record = await options.apiKeys.findByHash(sha256Hex(key));
    if (record === undefined) throw new SkiffError("UNAUTHORIZED", "unknown or revoked API key");
    // Last-used time is bookkeeping: it must not slow the request down or fail it.
    options.apiKeys.touch(record.id, options.now()).catch((err: unknown) => {
      options.logger.warn({ err, keyId: record.id }, "could not record API key use");
    });
    c.set("principal", { kind: "tenant", tenant: record.tenantName, key: record });
    return next();
  });
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
 * Lets through the operator and keys of the tenant named by the `:tenant` route parameter; a key with the
 * `read` role may only read.
 */
export const requireTenantAccess = createMiddleware<AuthEnv>(async (c, next) => {
  const principal = c.get("principal");
  if (principal.kind === "tenant") {
    const tenant = c.req.param("tenant");
    if (principal.tenant !== tenant) {
      throw new SkiffError("FORBIDDEN", "this API key belongs to another tenant");
    }
    if (principal.key.role === "read" && !READ_METHODS.has(c.req.method)) {
      throw new SkiffError("FORBIDDEN", "this API key may only read");
    }
  }
  return next();
});
