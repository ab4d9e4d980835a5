// A tenant's buckets over JSON: create, list, delete, list objects, upload and download objects, and set the
// notification rules that turn writes into function events.
import { SkiffError } from "@skiff/core";
import type { Bucket, ObjectInfo, WriteContext } from "@skiff/storage";
import { type Context, Hono } from "hono";
import type { AuthEnv } from "../auth.js";
import type { GatewayDeps } from "../deps.js";
import { readJsonBody } from "../json-body.js";
import { wildcardKey } from "./path-key.js";
import {
  createBucketBody,
  deleteBucketQuery,
  listObjectsQuery,
  notificationsBody,
  parseRequest,
} from "./schemas.js";

type BucketDeps = Pick<GatewayDeps, "storage" | "now" | "maxObjectBytes" | "writeContext" | "storedBytes">;

const SMALL_BODY_BYTES = 16 * 1024;
/** 100 rules with 1 KB prefix and suffix each, escaped, fit. */
const NOTIFICATIONS_BODY_BYTES = 1024 * 1024;

/** What the admin API shows of an object. */
export interface ObjectSummary {
  key: string;
  size: number;
  etag: string;
  contentType: string | null;
  lastModified: number;
}

function summary(info: ObjectInfo): ObjectSummary {
  return {
    key: info.key,
    size: info.size,
    etag: info.etag,
    contentType: info.contentType,
    lastModified: info.lastModified,
  };
}

function tenantOf(c: Context<AuthEnv>): string {
  return c.req.param("tenant") ?? "";
}

function objectKey(c: Context<AuthEnv>): string {
  const key = wildcardKey(c);
  if (key === "") {
    throw new SkiffError("INVALID_REQUEST", "the object key is missing: use …/objects/{key}");
  }
  return key;
}

const tooLarge = (limit: number) =>
  new SkiffError("PAYLOAD_TOO_LARGE", `the object is larger than the limit of ${limit} bytes`);

/**
 * Routes under `/api/v1/tenants/:tenant/buckets`; the tenant is already authorised and known to exist. Object
 * keys are the rest of the path after `/objects/`, percent-decoded once, so any key (slashes, `../`, NUL,
 * unicode) is addressed by encoding it with `encodeURIComponent`.
 */
export function bucketRoutes(deps: BucketDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const { storage } = deps;

  async function existing(tenant: string, name: string): Promise<Bucket> {
    const bucket = await storage.buckets.get(tenant, name);
    if (bucket === undefined) {
      throw new SkiffError(
        "NOT_FOUND",
        `bucket ${JSON.stringify(name.slice(0, 80))} does not exist in tenant "${tenant}"`,
      );
    }
    return bucket;
  }

  const write = (action: WriteContext["action"]): WriteContext => deps.writeContext(action);

  app.post("/", async (c) => {
    const body = parseRequest(createBucketBody, await readJsonBody(c.req.raw, SMALL_BODY_BYTES), "bucket");
    const bucket = await storage.buckets.create(tenantOf(c), body.name, deps.now());
    return c.json({ bucket }, 201);
  });

  app.get("/", async (c) => c.json({ buckets: await storage.buckets.list(tenantOf(c)) }));

  app.get("/:bucket", async (c) => c.json({ bucket: await existing(tenantOf(c), c.req.param("bucket")) }));

  app.delete("/:bucket", async (c) => {
    const tenant = tenantOf(c);
    const name = c.req.param("bucket");
    const query = parseRequest(deleteBucketQuery, c.req.query(), "query");
    await existing(tenant, name);
    await storage.buckets.delete(tenant, name, { force: query.force ?? false });
    return c.json({ deleted: true, name });
  });

  app.get("/:bucket/notifications", async (c) => {
    const tenant = tenantOf(c);
    const name = c.req.param("bucket");
    await existing(tenant, name);
    return c.json({ rules: await storage.buckets.getNotifications(tenant, name) });
  });

  app.put("/:bucket/notifications", async (c) => {
    const tenant = tenantOf(c);
    const name = c.req.param("bucket");
    const body = parseRequest(
      notificationsBody,
      await readJsonBody(c.req.raw, NOTIFICATIONS_BODY_BYTES),
      "notification rules",
    );
    await existing(tenant, name);
    // Storage checks too, inside its transaction; asking first names the missing function in a 404.
    for (const target of new Set(body.rules.map((rule) => rule.function))) {
      if ((await storage.functions.get(tenant, target)) === undefined) {
        throw new SkiffError(
          "FUNCTION_NOT_FOUND",
          `function "${target}" does not exist in tenant "${tenant}"`,
        );
      }
    }
    await storage.buckets.setNotifications(tenant, name, body.rules);
    return c.json({ rules: await storage.buckets.getNotifications(tenant, name) });
  });

  app.get("/:bucket/objects", async (c) => {
    const tenant = tenantOf(c);
    const name = c.req.param("bucket");
    const query = parseRequest(listObjectsQuery, c.req.query(), "query");
    await existing(tenant, name);
    const page = await storage.objects.list(tenant, name, query);
    return c.json({
      objects: page.objects.map(summary),
      commonPrefixes: page.commonPrefixes,
      truncated: page.truncated,
      next: page.truncated ? (page.nextAfter ?? null) : null,
    });
  });

  app.put("/:bucket/objects/*", async (c) => {
    const tenant = tenantOf(c);
    const name = c.req.param("bucket");
    const key = objectKey(c);
    const request = c.req.raw;
    const declared = request.headers.get("content-length");
    if (declared !== null && /^\s*\d+\s*$/.test(declared) && Number(declared) > deps.maxObjectBytes) {
      request.body?.cancel().catch(() => {});
      throw tooLarge(deps.maxObjectBytes);
    }
    await existing(tenant, name);
    const contentType = request.headers.get("content-type") ?? undefined;
    // Streamed: storage counts the bytes and stops past the limit (the object limit, or the room left in the
    // tenant's maxStoredBytes quota), so an oversized body is never held whole.
    const replacing = async () => (await storage.objects.head(tenant, name, key))?.size ?? 0;
    const info = await deps.storedBytes.write(tenant, deps.maxObjectBytes, replacing, (maxBytes) =>
      storage.objects.put(
        tenant,
        name,
        key,
        {
          body: request.body ?? new Uint8Array(0),
          maxBytes,
          ...(contentType === undefined ? {} : { contentType }),
        },
        write("PutObject"),
      ),
    );
    return c.json({ object: summary(info) }, 201);
  });

  app.get("/:bucket/objects/*", async (c) => {
    const tenant = tenantOf(c);
    const name = c.req.param("bucket");
    const key = objectKey(c);
    await existing(tenant, name);
    const missing = () => new SkiffError("NOT_FOUND", `no object ${JSON.stringify(key)} in bucket "${name}"`);
    const headers = (info: ObjectInfo) => ({
      "content-type": info.contentType ?? "application/octet-stream",
      "content-length": String(info.size),
      etag: `"${info.etag}"`,
      "last-modified": new Date(info.lastModified).toUTCString(),
    });
    // Hono answers HEAD with the GET route and drops the body unread; an opened file would stay open.
    if (c.req.method === "HEAD") {
      const info = await storage.objects.head(tenant, name, key);
      if (info === undefined) throw missing();
      return c.body(null, 200, headers(info));
    }
    const found = await storage.objects.get(tenant, name, key);
    if (found === undefined) throw missing();
    return c.body(ReadableStream.from(found.body), 200, headers(found.info));
  });

  app.delete("/:bucket/objects/*", async (c) => {
    const tenant = tenantOf(c);
    const name = c.req.param("bucket");
    const key = objectKey(c);
    await existing(tenant, name);
    if (!(await storage.objects.delete(tenant, name, key, write("DeleteObject")))) {
      throw new SkiffError("NOT_FOUND", `no object ${JSON.stringify(key)} in bucket "${name}"`);
    }
    return c.json({ deleted: true, key });
  });

  return app;
}
