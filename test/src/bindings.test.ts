// Issue 5, item 4 (bindings = execution role) and the isolation tests: a function reaches exactly the buckets and
// KV namespaces its version binds, with the R2 and Workers KV APIs; a read binding cannot write; a deploy that
// binds storage the tenant does not have is refused; another tenant can reach none of it (bindings, S3, admin
// API); odd keys written through a binding are plain keys, never paths.
import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminClient, call, invoke, storedState } from "./skiff-api.js";
import { type SkiffServer, startSkiff } from "./skiff-server.js";
import {
  type BindingInput,
  createBucket,
  createNamespace,
  deploy,
  headObject,
  issueS3Credentials,
  mustDeploy,
  objectText,
  rejection,
  s3Client,
} from "./storage-helpers.js";

let server: SkiffServer;
let admin: AdminClient;
let s3: S3Client;
let other: AdminClient;
let otherS3: S3Client;

const STORE_BINDINGS: BindingInput[] = [
  { type: "bucket", name: "FILES", bucket: "files", access: "read-write" },
  { type: "bucket", name: "PUBLIC", bucket: "public", access: "read" },
  { type: "kv", name: "CACHE", namespace: "cache" },
];

/** A Workers module whose routes each exercise one binding and answer with what it saw, as JSON. */
const STORE = `
const json = (value) => Response.json(value);
const errorOf = async (promise) => {
  try {
    await promise;
    return null;
  } catch (error) {
    return { name: error.name, message: error.message };
  }
};
const keysOf = (listed) => listed.objects.map((o) => o.key);

const routes = {
  async "/env"(request, env) {
    return { keys: Object.keys(env).sort() };
  },

  async "/kv"(request, env) {
    const out = { startedAt: Date.now() };
    await env.CACHE.put("plain", "one");
    await env.CACHE.put("doc", JSON.stringify({ n: 1 }), { expirationTtl: 3600, metadata: { owner: "store" } });
    await env.CACHE.put("bytes", new Uint8Array([1, 2, 3]));
    out.text = await env.CACHE.get("plain");
    out.textTyped = await env.CACHE.get("plain", "text");
    out.json = await env.CACHE.get("doc", "json");
    out.jsonOption = await env.CACHE.get("doc", { type: "json" });
    out.withMetadata = await env.CACHE.getWithMetadata("doc", "json");
    out.bytes = [...new Uint8Array(await env.CACHE.get("bytes", "arrayBuffer"))];
    out.stream = await new Response(await env.CACHE.get("plain", "stream")).text();
    out.missing = await env.CACHE.get("missing");
    out.missingWithMetadata = await env.CACHE.getWithMetadata("missing");
    out.list = await env.CACHE.list();
    const page = await env.CACHE.list({ limit: 2 });
    const rest = await env.CACHE.list({ limit: 2, cursor: page.cursor });
    out.pages = [page.keys.map((k) => k.name), page.list_complete, rest.keys.map((k) => k.name), rest.list_complete];
    out.prefixed = (await env.CACHE.list({ prefix: "p" })).keys.map((k) => k.name);
    await env.CACHE.delete("plain");
    out.afterDelete = await env.CACHE.get("plain");
    out.shortTtl = await errorOf(env.CACHE.put("short", "x", { expirationTtl: 30 }));
    out.shortStored = await env.CACHE.get("short");
    return out;
  },

  async "/bucket"(request, env) {
    const out = {};
    const put = await env.FILES.put("notes/one.txt", "first note", {
      httpMetadata: { contentType: "text/plain" },
      customMetadata: { who: "store" },
    });
    out.put = { key: put.key, size: put.size, etag: put.etag, httpEtag: put.httpEtag };
    await env.FILES.put("notes/two.json", JSON.stringify({ two: 2 }), {
      httpMetadata: { contentType: "application/json" },
    });
    await env.FILES.put("notes/deep/three.bin", new Uint8Array([0, 1, 2, 255]));
    await env.FILES.put("top.txt", new Blob(["from a blob"]));
    const head = await env.FILES.head("notes/one.txt");
    out.head = {
      key: head.key,
      size: head.size,
      etag: head.etag,
      contentType: head.httpMetadata.contentType,
      customMetadata: head.customMetadata,
      uploadedIsDate: head.uploaded instanceof Date && !Number.isNaN(head.uploaded.getTime()),
    };
    const one = await env.FILES.get("notes/one.txt");
    out.get = { text: await one.text(), size: one.size, contentType: one.httpMetadata.contentType };
    out.json = await (await env.FILES.get("notes/two.json")).json();
    out.bytes = [...new Uint8Array(await (await env.FILES.get("notes/deep/three.bin")).arrayBuffer())];
    out.stream = await new Response((await env.FILES.get("top.txt")).body).text();
    out.range = await (await env.FILES.get("notes/one.txt", { range: { offset: 6, length: 4 } })).text();
    out.missing = await env.FILES.get("nope");
    out.missingHead = await env.FILES.head("nope");
    out.all = keysOf(await env.FILES.list());
    const delimited = await env.FILES.list({ prefix: "notes/", delimiter: "/" });
    out.delimited = { keys: keysOf(delimited), prefixes: delimited.delimitedPrefixes };
    const first = await env.FILES.list({ limit: 2 });
    const second = await env.FILES.list({ limit: 2, cursor: first.cursor });
    out.pages = [keysOf(first), first.truncated, keysOf(second), second.truncated];
    await env.FILES.delete("top.txt");
    await env.FILES.delete(["notes/deep/three.bin", "never-there"]);
    out.afterDelete = keysOf(await env.FILES.list());
    return out;
  },

  async "/read-only"(request, env) {
    return {
      text: await (await env.PUBLIC.get("hello.txt")).text(),
      listed: keysOf(await env.PUBLIC.list()),
      put: await errorOf(env.PUBLIC.put("evil.txt", "x")),
      delete: await errorOf(env.PUBLIC.delete("hello.txt")),
    };
  },

  async "/odd-keys"(request, env) {
    const keys = ["../../etc/passwd", "a\\u0000b", "odd/./x/../y", "/leading-slash"];
    for (const key of keys) await env.FILES.put(key, "content of " + JSON.stringify(key));
    const read = [];
    for (const key of keys) read.push(await (await env.FILES.get(key)).text());
    return { keys, read, listed: keysOf(await env.FILES.list()) };
  },
};

export default {
  async fetch(request, env) {
    const route = routes[new URL(request.url).pathname];
    if (route === undefined) return new Response("no such route", { status: 404 });
    try {
      return json(await route(request, env));
    } catch (error) {
      return Response.json({ failed: { name: error.name, message: error.message, stack: error.stack } }, { status: 500 });
    }
  },
};`;

/** Calls one of STORE's routes on `name` and fails the test unless it answered 200. */
async function route(name: string, path: string) {
  const answer = await invoke(server, name, path);
  if (answer.status !== 200) throw new Error(`${name}${path} answered ${answer.status}: ${answer.text}`);
  return answer.json;
}

beforeAll(async () => {
  server = await startSkiff();
  admin = new AdminClient(server, server.defaultKey);
  s3 = s3Client(server, await issueS3Credentials(admin));
  await createBucket(admin, "files");
  await createBucket(admin, "public");
  await createNamespace(admin, "cache");
  await s3.send(new PutObjectCommand({ Bucket: "public", Key: "hello.txt", Body: "hello, world" }));
  await mustDeploy(admin, "store", STORE, { bindings: STORE_BINDINGS });

  const operator = new AdminClient(server, server.adminToken);
  const created = await operator.call("POST", "/tenants", { name: "other" });
  expect(created.status).toBe(201);
  other = new AdminClient(server, created.json.apiKey);
  otherS3 = s3Client(server, await issueS3Credentials(other, "other"));
});

afterAll(async () => {
  s3?.destroy();
  otherS3?.destroy();
  expect(await server?.stop()).toBe(0);
});

describe("a function's bindings", () => {
  it("give env exactly the bound names, and nothing to a function without bindings", async () => {
    expect(await route("store", "/env")).toEqual({ keys: ["CACHE", "FILES", "PUBLIC"] });
    await mustDeploy(
      admin,
      "unbound",
      `export default {
        async fetch(request, env) {
          return Response.json({
            keys: Object.keys(env),
            uploads: typeof env.UPLOADS,
            files: typeof env.FILES,
            globalFiles: typeof globalThis.FILES,
          });
        },
      };`,
      { vars: { GREETING: "hi" } },
    );
    expect(await route("unbound", "/")).toEqual({
      keys: ["GREETING"],
      uploads: "undefined",
      files: "undefined",
      globalFiles: "undefined",
    });
  });

  it("serve the Workers KV API: typed get, metadata, ttl, list with prefix and cursor, delete", async () => {
    const out = await route("store", "/kv");
    expect(out).toMatchObject({
      text: "one",
      textTyped: "one",
      json: { n: 1 },
      jsonOption: { n: 1 },
      withMetadata: { value: { n: 1 }, metadata: { owner: "store" } },
      bytes: [1, 2, 3],
      stream: "one",
      missing: null,
      missingWithMetadata: { value: null, metadata: null },
      pages: [["bytes", "doc"], false, ["plain"], true],
      prefixed: ["plain"],
      afterDelete: null,
      shortStored: null,
    });
    expect(out.list.list_complete).toBe(true);
    expect(out.list.keys.map((k: { name: string }) => k.name)).toEqual(["bytes", "doc", "plain"]);
    const doc = out.list.keys.find((k: { name: string }) => k.name === "doc");
    expect(doc.metadata).toEqual({ owner: "store" });
    // expirationTtl is relative; the listing gives the absolute time in seconds.
    const startedAt = Math.floor(out.startedAt / 1000);
    expect(doc.expiration).toBeGreaterThanOrEqual(startedAt + 3600);
    expect(doc.expiration).toBeLessThanOrEqual(startedAt + 3600 + 60);
    expect(out.list.keys.find((k: { name: string }) => k.name === "plain").expiration).toBeUndefined();
    expect(out.shortTtl?.message).toMatch(/60/);

    // What the function wrote is in the tenant's namespace, as the admin API shows it.
    const stored = await admin.call("GET", "/tenants/default/kv/cache/values/doc");
    expect(stored.status).toBe(200);
    expect(stored.text).toBe('{"n":1}');
    expect(JSON.parse(stored.headers["x-skiff-kv-metadata"] as string)).toEqual({ owner: "store" });
    expect(Number(stored.headers["x-skiff-kv-expiration"])).toBe(doc.expiration);
    const keys = await admin.call("GET", "/tenants/default/kv/cache/keys");
    expect(keys.json.keys.map((k: { name: string }) => k.name)).toEqual(["bytes", "doc"]);
  });

  it("serve the R2 API: put with metadata, head, get as text/json/bytes/stream/range, list, delete", async () => {
    const out = await route("store", "/bucket");
    const etag = createHash("md5").update("first note").digest("hex");
    expect(out.put).toEqual({ key: "notes/one.txt", size: 10, etag, httpEtag: `"${etag}"` });
    expect(out).toMatchObject({
      head: {
        key: "notes/one.txt",
        size: 10,
        etag,
        contentType: "text/plain",
        customMetadata: { who: "store" },
        uploadedIsDate: true,
      },
      get: { text: "first note", size: 10, contentType: "text/plain" },
      json: { two: 2 },
      bytes: [0, 1, 2, 255],
      stream: "from a blob",
      range: "note",
      missing: null,
      missingHead: null,
      all: ["notes/deep/three.bin", "notes/one.txt", "notes/two.json", "top.txt"],
      delimited: { keys: ["notes/one.txt", "notes/two.json"], prefixes: ["notes/deep/"] },
      pages: [["notes/deep/three.bin", "notes/one.txt"], true, ["notes/two.json", "top.txt"], false],
      afterDelete: ["notes/one.txt", "notes/two.json"],
    });

    // Through S3, the objects are the tenant's own, with the metadata the function gave them.
    const head = await headObject(s3, "files", "notes/one.txt");
    expect(head).toMatchObject({
      ContentType: "text/plain",
      ContentLength: 10,
      ETag: `"${etag}"`,
      Metadata: { who: "store" },
    });
    expect(await objectText(s3, "files", "notes/two.json")).toBe('{"two":2}');
    expect(await headObject(s3, "files", "top.txt")).toBeUndefined();
  });

  it("let a read binding get and list but not put or delete", async () => {
    const out = await route("store", "/read-only");
    expect(out.text).toBe("hello, world");
    expect(out.listed).toEqual(["hello.txt"]);
    expect(out.put).not.toBeNull();
    expect(out.put.message).toMatch(/PUBLIC/);
    expect(out.put.message).toMatch(/read/);
    expect(out.delete?.message).toMatch(/read/);
    expect(await headObject(s3, "public", "evil.txt")).toBeUndefined();
    expect(await objectText(s3, "public", "hello.txt")).toBe("hello, world");
  });

  it("store keys like ../../etc/passwd and a\\u0000b as plain keys, read back the same through S3", async () => {
    const out = await route("store", "/odd-keys");
    const keys: string[] = out.keys;
    expect(keys).toEqual(["../../etc/passwd", "a\u0000b", "odd/./x/../y", "/leading-slash"]);
    expect(out.read).toEqual(keys.map((k) => `content of ${JSON.stringify(k)}`));
    for (const key of keys) expect(out.listed).toContain(key);

    for (const key of keys) {
      const got = await s3.send(new GetObjectCommand({ Bucket: "files", Key: key }));
      expect(await got.Body?.transformToString()).toBe(`content of ${JSON.stringify(key)}`);
      const api = await admin.call(
        "GET",
        `/tenants/default/buckets/files/objects/${encodeURIComponent(key)}`,
      );
      expect([api.status, api.text]).toEqual([200, `content of ${JSON.stringify(key)}`]);
    }
    const dots = await s3.send(new ListObjectsV2Command({ Bucket: "files", Prefix: "../" }));
    expect(dots.Contents?.map((o) => o.Key)).toEqual(["../../etc/passwd"]);
    const odd = await s3.send(new ListObjectsV2Command({ Bucket: "files", Prefix: "odd/" }));
    expect(odd.Contents?.map((o) => o.Key)).toEqual(["odd/./x/../y"]);

    // No key became a path: nothing in the data dir is named after a key's parts.
    const names = (await readdir(server.dataDir, { recursive: true })).map((p) => p.split("/").at(-1));
    for (const part of ["passwd", "etc", "leading-slash"]) expect(names).not.toContain(part);
  });
});

describe("deploys that bind storage", () => {
  it("refuse a bucket or namespace the tenant does not have with 400 INVALID_CONFIG, changing nothing", async () => {
    const before = await storedState(admin);
    const noBucket = await deploy(admin, "ghost", STORE, {
      bindings: [{ type: "bucket", name: "UPLOADS", bucket: "uploads", access: "read" }],
    });
    expect([noBucket.status, noBucket.json?.error?.code]).toEqual([400, "INVALID_CONFIG"]);
    expect(noBucket.json.error.message).toContain("uploads");
    const noNamespace = await deploy(admin, "ghost", STORE, {
      bindings: [{ type: "kv", name: "SESSIONS", namespace: "sessions" }],
    });
    expect([noNamespace.status, noNamespace.json?.error?.code]).toEqual([400, "INVALID_CONFIG"]);
    expect(noNamespace.json.error.message).toContain("sessions");
    // A new version of an existing function with a bad binding: the active version keeps serving.
    const badUpdate = await deploy(admin, "store", STORE, {
      bindings: [...STORE_BINDINGS, { type: "bucket", name: "MORE", bucket: "missing" }],
    });
    expect([badUpdate.status, badUpdate.json?.error?.code]).toEqual([400, "INVALID_CONFIG"]);
    expect(await storedState(admin)).toEqual(before);
    expect(await route("store", "/env")).toEqual({ keys: ["CACHE", "FILES", "PUBLIC"] });
  });
});

describe("another tenant", () => {
  it("cannot bind this tenant's bucket or namespace: it has none of that name", async () => {
    for (const binding of [
      { type: "bucket", name: "FILES", bucket: "files", access: "read" },
      { type: "kv", name: "CACHE", namespace: "cache" },
    ] satisfies BindingInput[]) {
      const answer = await deploy(other, "thief", STORE, { bindings: [binding] }, "other");
      expect([answer.status, answer.json?.error?.code]).toEqual([400, "INVALID_CONFIG"]);
    }
    expect((await other.call("GET", "/tenants/other/functions")).json.functions).toEqual([]);
  });

  it("binding a bucket of the same name reaches only its own bucket", async () => {
    await createBucket(other, "files", "other");
    await mustDeploy(
      other,
      "same-name",
      `export default {
        async fetch(request, env) {
          await env.FILES.put("theirs.txt", "written by other");
          return Response.json({
            listed: (await env.FILES.list()).objects.map((o) => o.key),
            ours: await env.FILES.get("notes/one.txt"),
          });
        },
      };`,
      { bindings: [{ type: "bucket", name: "FILES", bucket: "files", access: "read-write" }] },
      "other",
    );
    const answer = await invoke(server, "same-name", "", {}, "other");
    expect([answer.status, answer.json]).toEqual([200, { listed: ["theirs.txt"], ours: null }]);
    expect(await headObject(s3, "files", "theirs.txt")).toBeUndefined();
    expect(await objectText(otherS3, "files", "theirs.txt")).toBe("written by other");
  });

  it("cannot read this tenant's objects with its S3 credentials or its API key", async () => {
    await createBucket(admin, "private");
    await s3.send(new PutObjectCommand({ Bucket: "private", Key: "secret.txt", Body: "top secret" }));

    const get = await rejection(otherS3.send(new GetObjectCommand({ Bucket: "private", Key: "secret.txt" })));
    expect(["NoSuchBucket", "AccessDenied"]).toContain(get.name);
    expect([403, 404]).toContain(get.$metadata.httpStatusCode);
    const list = await rejection(otherS3.send(new ListObjectsV2Command({ Bucket: "private" })));
    expect(["NoSuchBucket", "AccessDenied"]).toContain(list.name);
    const put = await rejection(
      otherS3.send(new PutObjectCommand({ Bucket: "private", Key: "secret.txt", Body: "overwritten" })),
    );
    expect(["NoSuchBucket", "AccessDenied"]).toContain(put.name);
    expect(await objectText(s3, "private", "secret.txt")).toBe("top secret");

    // The admin API: the other tenant's key is refused on this tenant's paths.
    for (const path of [
      "/tenants/default/buckets/private/objects/secret.txt",
      "/tenants/default/buckets/private/objects",
      "/tenants/default/kv/cache/values/doc",
      "/tenants/default/kv/cache/keys",
    ]) {
      const answer = await other.call("GET", path);
      expect([path, answer.status]).toEqual([path, 403]);
      expect(answer.text).not.toContain("top secret");
    }
    // And on its own tenant, the name leads nowhere.
    const own = await other.call("GET", "/tenants/other/buckets/private/objects/secret.txt");
    expect(own.status).toBe(404);
    // Without credentials at all, the S3 API refuses too.
    const anonymous = await call(`${server.url}/s3/private/secret.txt`);
    expect(anonymous.status).toBe(403);
    expect(anonymous.text).not.toContain("top secret");
  });
});
