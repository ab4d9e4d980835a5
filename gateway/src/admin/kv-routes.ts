// A tenant's KV namespaces over HTTP, shaped like Cloudflare's Workers KV API: namespaces, keys, raw values.
import { SkiffError } from "@skiff/core";
import { KV_METADATA_BYTES, KV_VALUE_BYTES } from "@skiff/storage";
import { type Context, Hono } from "hono";
import type { AuthEnv } from "../auth.js";
import { readBody } from "../body-reader.js";
import type { GatewayDeps } from "../deps.js";
import { readJsonBody } from "../json-body.js";
import { wildcardKey } from "./path-key.js";
import { createNamespaceBody, kvListQuery, kvPutQuery, parseRequest } from "./schemas.js";

type KvDeps = Pick<GatewayDeps, "storage" | "now" | "storedBytes">;

/** Where a value's metadata travels, in and out, as JSON (the body is the raw value). */
export const KV_METADATA_HEADER = "x-skiff-kv-metadata";
/** The value's expiry in epoch seconds, on a read. */
export const KV_EXPIRATION_HEADER = "x-skiff-kv-expiration";
/** Cloudflare refuses expiries closer than this; so do we, so a value never expires before it is read back. */
const MIN_TTL_SECONDS = 60;
const SMALL_BODY_BYTES = 16 * 1024;

function tenantOf(c: Context<AuthEnv>): string {
  return c.req.param("tenant") ?? "";
}

function valueKey(c: Context<AuthEnv>): string {
  const key = wildcardKey(c);
  if (key === "") throw new SkiffError("INVALID_REQUEST", "the key is missing: use …/values/{key}");
  return key;
}

/**
 * JSON that is safe as a header value: characters past ASCII as `\uXXXX` escapes (header values are bytes, and
 * clients disagree on how to decode anything past ASCII).
 */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function parseMetadata(header: string | undefined): unknown {
  if (header === undefined) return undefined;
  if (!/^[\x20-\x7e]*$/.test(header)) {
    throw new SkiffError(
      "INVALID_REQUEST",
      `the ${KV_METADATA_HEADER} header must be ASCII: write other characters as \\uXXXX escapes`,
    );
  }
  if (header.length > KV_METADATA_BYTES) {
    throw new SkiffError("INVALID_REQUEST", `metadata is larger than ${KV_METADATA_BYTES} bytes of JSON`);
  }
  try {
    return JSON.parse(header) as unknown;
  } catch {
    throw new SkiffError("INVALID_REQUEST", `the ${KV_METADATA_HEADER} header is not JSON`);
  }
}

/** Routes under `/api/v1/tenants/:tenant/kv`; the tenant is already authorised and known to exist. */
export function kvRoutes(deps: KvDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const { storage } = deps;
  const nowSeconds = () => Math.floor(deps.now() / 1000);

  // Storage answers NOT_FOUND for a missing namespace itself; a write asks first so that it does not read a
  // value of up to 25 MB only to drop it.
  async function existing(tenant: string, namespace: string): Promise<void> {
    if (!(await storage.kv.listNamespaces(tenant)).includes(namespace)) {
      throw new SkiffError(
        "NOT_FOUND",
        `KV namespace ${JSON.stringify(namespace.slice(0, 80))} does not exist in tenant "${tenant}"`,
      );
    }
  }

  app.post("/", async (c) => {
    const body = parseRequest(
      createNamespaceBody,
      await readJsonBody(c.req.raw, SMALL_BODY_BYTES),
      "namespace",
    );
    await storage.kv.createNamespace(tenantOf(c), body.name, deps.now());
    return c.json({ namespace: { name: body.name } }, 201);
  });

  app.get("/", async (c) => {
    const names = await storage.kv.listNamespaces(tenantOf(c));
    return c.json({ namespaces: names.map((name) => ({ name })) });
  });

  app.delete("/:ns", async (c) => {
    const name = c.req.param("ns");
    await storage.kv.deleteNamespace(tenantOf(c), name);
    return c.json({ deleted: true, name });
  });

  app.get("/:ns/keys", async (c) => {
    const tenant = tenantOf(c);
    const namespace = c.req.param("ns");
    const query = parseRequest(kvListQuery, c.req.query(), "query");
    const page = await storage.kv.list(tenant, namespace, query, deps.now());
    return c.json({ keys: page.keys, cursor: page.cursor ?? null, complete: page.complete });
  });

  app.put("/:ns/values/*", async (c) => {
    const tenant = tenantOf(c);
    const namespace = c.req.param("ns");
    const key = valueKey(c);
    const query = parseRequest(kvPutQuery, c.req.query(), "query");
    const metadata = parseMetadata(c.req.header(KV_METADATA_HEADER));
    const now = nowSeconds();
    const expiration = query.expiration_ttl === undefined ? query.expiration : now + query.expiration_ttl;
    if (expiration !== undefined && expiration < now + MIN_TTL_SECONDS) {
      throw new SkiffError(
        "INVALID_REQUEST",
        `expiration ${expiration} is less than ${MIN_TTL_SECONDS} seconds from now (${now}): give a later time`,
      );
    }
    await existing(tenant, namespace);
    const value = (await readBody(c.req.raw, { limit: KV_VALUE_BYTES })) ?? new Uint8Array(0);
    // A replaced value is not subtracted: finding its size would mean reading it (up to 25 MB).
    await deps.storedBytes.assertRoom(tenant, value.byteLength);
    await storage.kv.put(
      tenant,
      namespace,
      key,
      value,
      {
        ...(expiration === undefined ? {} : { expiration }),
        ...(metadata === undefined ? {} : { metadata }),
      },
      deps.now(),
    );
    return c.json({
      key,
      size: value.byteLength,
      expiration: expiration ?? null,
      metadata: metadata ?? null,
    });
  });

  app.get("/:ns/values/*", async (c) => {
    const tenant = tenantOf(c);
    const namespace = c.req.param("ns");
    const key = valueKey(c);
    const entry = await storage.kv.get(tenant, namespace, key, deps.now());
    if (entry === undefined) {
      throw new SkiffError(
        "NOT_FOUND",
        `no key ${JSON.stringify(key)} in KV namespace ${JSON.stringify(namespace)}`,
      );
    }
    const headers: Record<string, string> = {
      "content-type": "application/octet-stream",
      "content-length": String(entry.value.byteLength),
    };
    if (entry.metadata !== null && entry.metadata !== undefined) {
      headers[KV_METADATA_HEADER] = asciiJson(entry.metadata);
    }
    if (entry.expiration !== null) headers[KV_EXPIRATION_HEADER] = String(entry.expiration);
    // Storage hands out bytes of an ordinary ArrayBuffer, never a shared one.
    return c.body(entry.value as Uint8Array<ArrayBuffer>, 200, headers);
  });

  app.delete("/:ns/values/*", async (c) => {
    const tenant = tenantOf(c);
    const namespace = c.req.param("ns");
    const key = valueKey(c);
    await storage.kv.delete(tenant, namespace, key);
    return c.json({ deleted: true, key });
  });

  return app;
}
