// SkiffClient's bucket, object and KV calls against a local HTTP server that records what it receives.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SkiffClient } from "./api-client.js";
import { ApiError } from "./api-error.js";
import { CliError } from "./cli-error.js";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

type Reply = { status: number; headers?: Record<string, string>; body: string | Uint8Array };

const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);
const T = "/api/v1/tenants/acme";

let server: Server;
let url: string;
let seen: Seen[];
let reply: Reply;
let client: SkiffClient;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    seen.push({
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      body: Buffer.concat(chunks),
    });
    res.writeHead(reply.status, reply.headers ?? { "content-type": "application/json" });
    res.end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await client?.close();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(async () => {
  await client?.close();
  client = new SkiffClient({ url, token: "sk_test" });
  seen = [];
  reply = { status: 200, body: "{}" };
});

const json = (status: number, body: unknown): Reply => ({ status, body: JSON.stringify(body) });

describe("buckets", () => {
  it("creates, lists and deletes (with force) over the admin API", async () => {
    reply = json(201, { bucket: { tenant: "acme", name: "uploads", createdAt: 5 } });
    expect(await client.createBucket("acme", "uploads")).toEqual({ name: "uploads", createdAt: 5 });
    expect(seen[0]).toMatchObject({ method: "POST", url: `${T}/buckets` });
    expect(seen[0]?.headers.authorization).toBe("Bearer sk_test");
    expect(JSON.parse(seen[0]?.body.toString() ?? "")).toEqual({ name: "uploads" });

    reply = json(200, { buckets: [{ name: "a", createdAt: 1 }] });
    expect(await client.listBuckets("acme")).toEqual([{ name: "a", createdAt: 1 }]);

    reply = json(200, { deleted: true, name: "a" });
    await client.deleteBucket("acme", "a");
    await client.deleteBucket("acme", "a", { force: true });
    expect(seen.slice(2).map((s) => `${s.method} ${s.url}`)).toEqual([
      `DELETE ${T}/buckets/a`,
      `DELETE ${T}/buckets/a?force=1`,
    ]);
  });

  it("turns a refusal into an ApiError with the platform code", async () => {
    reply = json(409, { error: { code: "CONFLICT", message: 'bucket "a" is not empty' } });
    const error = await client.deleteBucket("acme", "a").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: "CONFLICT", message: 'bucket "a" is not empty' });
  });
});

describe("objects", () => {
  it("lists a page with its query and next cursor", async () => {
    reply = json(200, {
      objects: [{ key: "a b", size: 3, etag: "e", contentType: null, lastModified: 9 }],
      commonPrefixes: ["p/"],
      truncated: true,
      next: "a b",
    });
    const page = await client.listObjects("acme", "b", {
      prefix: "x y/",
      delimiter: "/",
      after: "a&b",
      limit: 2,
    });
    expect(seen[0]?.url).toBe(`${T}/buckets/b/objects?prefix=x+y%2F&delimiter=%2F&after=a%26b&limit=2`);
    expect(page).toEqual({
      objects: [{ key: "a b", size: 3, etag: "e", contentType: null, lastModified: 9 }],
      commonPrefixes: ["p/"],
      next: "a b",
    });
  });

  it("puts bytes with their length and type, the key as one encoded segment", async () => {
    reply = json(201, {
      object: { key: "../../etc/passwd", size: 256, etag: "e", contentType: "x/y", lastModified: 1 },
    });
    const object = await client.putObject("acme", "b", "../../etc/passwd", {
      body: ALL_BYTES,
      contentType: "x/y",
    });
    expect(object.key).toBe("../../etc/passwd");
    expect(seen[0]).toMatchObject({ method: "PUT", url: `${T}/buckets/b/objects/..%2F..%2Fetc%2Fpasswd` });
    expect(seen[0]?.headers["content-type"]).toBe("x/y");
    expect(seen[0]?.headers["content-length"]).toBe("256");
    expect(new Uint8Array(seen[0]?.body ?? [])).toEqual(ALL_BYTES);
  });

  it("streams a stream body, declaring its size when known", async () => {
    reply = json(201, { object: { key: "k", size: 256, etag: "e", contentType: null, lastModified: 1 } });
    await client.putObject("acme", "b", "a\u0000b ü", {
      body: Readable.from([Buffer.from(ALL_BYTES.slice(0, 10)), Buffer.from(ALL_BYTES.slice(10))]),
      size: 256,
    });
    expect(seen[0]?.url).toBe(`${T}/buckets/b/objects/a%00b%20%C3%BC`);
    expect(seen[0]?.headers["content-length"]).toBe("256");
    expect(seen[0]?.headers["content-type"]).toBe("application/octet-stream");
    expect(new Uint8Array(seen[0]?.body ?? [])).toEqual(ALL_BYTES);
  });

  it("gets the exact bytes with the unquoted ETag, and a 404 as ApiError", async () => {
    reply = {
      status: 200,
      headers: { "content-type": "image/png", etag: '"abc"', "content-length": "256" },
      body: ALL_BYTES,
    };
    const download = await client.getObject("acme", "b", "k");
    const chunks: Buffer[] = [];
    for await (const chunk of download.body) chunks.push(Buffer.from(chunk));
    expect(new Uint8Array(Buffer.concat(chunks))).toEqual(ALL_BYTES);
    expect(download).toMatchObject({ contentType: "image/png", etag: "abc", size: 256 });

    reply = json(404, { error: { code: "NOT_FOUND", message: "no object" } });
    await expect(client.getObject("acme", "b", "k")).rejects.toMatchObject({
      code: "NOT_FOUND",
      status: 404,
    });
  });

  it("refuses '.' and '..' as keys without a request: a URL path can not carry them", async () => {
    for (const key of [".", ".."]) {
      await expect(client.getObject("acme", "b", key)).rejects.toBeInstanceOf(CliError);
      await expect(client.kvGet("acme", "ns", key)).rejects.toBeInstanceOf(CliError);
    }
    expect(seen).toEqual([]);
  });

  it("deletes an object", async () => {
    reply = json(200, { deleted: true, key: "a/b" });
    await client.deleteObject("acme", "b", "a/b");
    expect(seen[0]).toMatchObject({ method: "DELETE", url: `${T}/buckets/b/objects/a%2Fb` });
  });
});

describe("KV", () => {
  it("puts a value with a TTL and metadata as ASCII JSON", async () => {
    reply = json(200, { key: "k" });
    await client.kvPut("acme", "cache", "user/7", new TextEncoder().encode("v"), {
      ttlSeconds: 120,
      metadata: { name: "Zoë 😀" },
    });
    expect(seen[0]).toMatchObject({ method: "PUT", url: `${T}/kv/cache/values/user%2F7?expiration_ttl=120` });
    expect(seen[0]?.headers["x-skiff-kv-metadata"]).toBe('{"name":"Zo\\u00eb \\ud83d\\ude00"}');
    expect(JSON.parse(String(seen[0]?.headers["x-skiff-kv-metadata"]))).toEqual({ name: "Zoë 😀" });
    expect(seen[0]?.body.toString()).toBe("v");

    await client.kvPut("acme", "cache", "k", new Uint8Array(0), { expiration: 1_900_000_000 });
    expect(seen[1]?.url).toBe(`${T}/kv/cache/values/k?expiration=1900000000`);
    expect(seen[1]?.headers["x-skiff-kv-metadata"]).toBeUndefined();
  });

  it("gets the value's bytes with metadata and expiry from the headers", async () => {
    reply = {
      status: 200,
      headers: { "x-skiff-kv-metadata": '{"a":1}', "x-skiff-kv-expiration": "1900000000" },
      body: ALL_BYTES,
    };
    expect(await client.kvGet("acme", "cache", "k")).toEqual({
      value: ALL_BYTES,
      metadata: { a: 1 },
      expiration: 1_900_000_000,
    });
    reply = { status: 200, headers: {}, body: "plain" };
    expect(await client.kvGet("acme", "cache", "k")).toMatchObject({ metadata: null, expiration: null });
    reply = json(404, { error: { code: "NOT_FOUND", message: "no key" } });
    await expect(client.kvGet("acme", "cache", "k")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("lists keys with the cursor, and manages namespaces", async () => {
    reply = json(200, {
      keys: [{ name: "a", expiration: null, metadata: null }],
      cursor: "c2",
      complete: false,
    });
    expect(await client.kvList("acme", "cache", { prefix: "a", cursor: "c1", limit: 10 })).toEqual({
      keys: [{ name: "a", expiration: null, metadata: null }],
      cursor: "c2",
      complete: false,
    });
    expect(seen[0]?.url).toBe(`${T}/kv/cache/keys?prefix=a&cursor=c1&limit=10`);

    reply = json(201, { namespace: { name: "cache" } });
    await client.createKvNamespace("acme", "cache");
    reply = json(200, { namespaces: [{ name: "cache" }] });
    expect(await client.listKvNamespaces("acme")).toEqual(["cache"]);
    reply = json(200, { deleted: true });
    await client.deleteKvNamespace("acme", "cache");
    await client.kvDelete("acme", "cache", "k");
    expect(seen.slice(1).map((s) => `${s.method} ${s.url}`)).toEqual([
      `POST ${T}/kv`,
      `GET ${T}/kv`,
      `DELETE ${T}/kv/cache`,
      `DELETE ${T}/kv/cache/values/k`,
    ]);
  });
});
