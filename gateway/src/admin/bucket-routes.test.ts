import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type SqliteHarness, startSqliteHarness } from "../testing/sqlite-harness.js";

const B = "/api/v1/tenants/acme/buckets";
const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);
const HOSTILE_KEYS = [
  "../../etc/passwd",
  "a\u0000b",
  " spaced key ",
  "日本/ü 😀.txt",
  "%41%2F",
  "q?x=1#frag",
  "a//b/",
  "/leading",
  "x".repeat(1024),
];

const md5 = (bytes: Uint8Array | string) => createHash("md5").update(bytes).digest("hex");
const obj = (bucket: string, key: string) => `${B}/${bucket}/objects/${encodeURIComponent(key)}`;

let h: SqliteHarness;
beforeEach(async () => {
  h = await startSqliteHarness();
});
afterEach(async () => {
  await h.close();
});

async function bucket(name = "uploads") {
  const reply = await h.call("POST", B, { body: { name } });
  if (reply.status !== 201) throw new Error(`create bucket failed: ${JSON.stringify(reply.json)}`);
}

async function put(bucketName: string, key: string, body: Uint8Array | string, contentType?: string) {
  return h.call("PUT", obj(bucketName, key), {
    body,
    ...(contentType === undefined ? {} : { headers: { "content-type": contentType } }),
  });
}

/** Every file name under the data dir, to show that no key became a path. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String);
}

describe("POST, GET and DELETE /tenants/{t}/buckets", () => {
  it("creates a bucket (201), lists it, shows it and refuses a second one with 409", async () => {
    const created = await h.call("POST", B, { key: h.acmeKey, body: { name: "uploads" } });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ bucket: { tenant: "acme", name: "uploads", createdAt: h.clock.now } });
    await bucket("media.v2");

    expect((await h.call("GET", B)).json).toEqual({
      buckets: [
        { tenant: "acme", name: "media.v2", createdAt: h.clock.now },
        { tenant: "acme", name: "uploads", createdAt: h.clock.now },
      ],
    });
    expect((await h.call("GET", `${B}/uploads`)).json.bucket.name).toBe("uploads");
    const again = await h.call("POST", B, { body: { name: "uploads" } });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("CONFLICT");
    // Another tenant may own a bucket of the same name.
    expect(
      (await h.call("POST", "/api/v1/tenants/other/buckets", { body: { name: "uploads" } })).status,
    ).toBe(201);
  });

  it.each([
    [{ name: "ab" }, "INVALID_NAME"],
    [{ name: "Uploads" }, "INVALID_NAME"],
    [{ name: "up_loads" }, "INVALID_NAME"],
    [{ name: "-uploads" }, "INVALID_NAME"],
    [{ name: "a".repeat(64) }, "INVALID_NAME"],
    [{ name: "../x" }, "INVALID_NAME"],
    [{ name: 5 }, "INVALID_REQUEST"],
    [{ name: "ok-name", extra: true }, "INVALID_REQUEST"],
    ["not json", "INVALID_JSON"],
  ])("refuses %j with 400 %s", async (body, code) => {
    const reply = await h.call("POST", B, { body });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe(code);
    expect(await h.storage.buckets.list("acme")).toEqual([]);
  });

  it("answers 404 NOT_FOUND for a bucket that does not exist", async () => {
    for (const [method, path] of [
      ["GET", `${B}/nope`],
      ["DELETE", `${B}/nope`],
      ["GET", `${B}/nope/objects`],
      ["GET", `${B}/nope/objects/k`],
      ["PUT", `${B}/nope/objects/k`],
      ["GET", `${B}/nope/notifications`],
    ] as const) {
      const reply = await h.call(method, path, { body: method === "PUT" ? "x" : undefined });
      expect(reply.status, `${method} ${path}`).toBe(404);
      expect(reply.json.error).toMatchObject({
        code: "NOT_FOUND",
        message: expect.stringContaining('"nope"'),
      });
    }
  });

  it("refuses to delete a bucket that holds objects unless ?force=1", async () => {
    await bucket();
    await put("uploads", "a.txt", "a");
    const refused = await h.call("DELETE", `${B}/uploads`);
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe("CONFLICT");
    expect((await h.call("GET", `${B}/uploads/objects/a.txt`)).status).toBe(200);
    expect((await h.call("DELETE", `${B}/uploads?force=maybe`)).json.error.code).toBe("INVALID_REQUEST");
    expect((await h.call("DELETE", `${B}/uploads?force=0`)).status).toBe(409);

    const forced = await h.call("DELETE", `${B}/uploads?force=1`);
    expect(forced.status).toBe(200);
    expect(forced.json).toEqual({ deleted: true, name: "uploads" });
    expect(await h.storage.buckets.list("acme")).toEqual([]);
    // A bucket of the same name starts empty.
    await bucket();
    expect((await h.call("GET", `${B}/uploads/objects`)).json.objects).toEqual([]);
  });

  it("deletes an empty bucket without force", async () => {
    await bucket();
    expect((await h.call("DELETE", `${B}/uploads`)).json).toEqual({ deleted: true, name: "uploads" });
    expect((await h.call("GET", `${B}/uploads`)).status).toBe(404);
  });
});

describe("objects: PUT, GET, DELETE …/buckets/{b}/objects/{key}", () => {
  it("stores the raw body and gives back the same bytes with Content-Type, ETag and Last-Modified", async () => {
    await bucket();
    const stored = await put("uploads", "images/all.bin", ALL_BYTES, "image/x-test");
    expect(stored.status).toBe(201);
    expect(stored.json).toEqual({
      object: {
        key: "images/all.bin",
        size: 256,
        etag: md5(ALL_BYTES),
        contentType: "image/x-test",
        lastModified: h.clock.now,
      },
    });
    const read = await h.call("GET", obj("uploads", "images/all.bin"));
    expect(read.status).toBe(200);
    expect(read.bytes).toEqual(ALL_BYTES);
    expect(read.headers.get("content-type")).toBe("image/x-test");
    expect(read.headers.get("etag")).toBe(`"${md5(ALL_BYTES)}"`);
    expect(read.headers.get("content-length")).toBe("256");
    expect(read.headers.get("last-modified")).toBe(new Date(h.clock.now).toUTCString());
  });

  it("answers HEAD with the object's headers and no body", async () => {
    await bucket();
    await put("uploads", "k", ALL_BYTES, "image/x-test");
    const head = await h.call("HEAD", obj("uploads", "k"));
    expect(head.status).toBe(200);
    expect(head.bytes).toEqual(new Uint8Array(0));
    expect(head.headers.get("etag")).toBe(`"${md5(ALL_BYTES)}"`);
    expect(head.headers.get("content-length")).toBe("256");
    expect(head.headers.get("content-type")).toBe("image/x-test");
    expect((await h.call("HEAD", obj("uploads", "missing"))).status).toBe(404);
  });

  it("replaces an object, serves one without a type as application/octet-stream, and stores an empty one", async () => {
    await bucket();
    await put("uploads", "k", "first", "text/plain");
    h.clock.now += 1000;
    const second = await put("uploads", "k", new TextEncoder().encode("second"));
    expect(second.json.object).toMatchObject({ size: 6, etag: md5("second"), lastModified: h.clock.now });
    const read = await h.call("GET", obj("uploads", "k"));
    expect(new TextDecoder().decode(read.bytes)).toBe("second");
    expect(read.headers.get("content-type")).toBe("application/octet-stream");

    expect((await put("uploads", "empty", new Uint8Array(0))).json.object).toMatchObject({
      size: 0,
      etag: md5(""),
    });
    expect((await h.call("GET", obj("uploads", "empty"))).bytes).toEqual(new Uint8Array(0));
  });

  it("deletes an object, and answers 404 NOT_FOUND for one that is not there", async () => {
    await bucket();
    await put("uploads", "a/b.txt", "x");
    const deleted = await h.call("DELETE", obj("uploads", "a/b.txt"));
    expect(deleted.json).toEqual({ deleted: true, key: "a/b.txt" });
    for (const method of ["GET", "DELETE"]) {
      const reply = await h.call(method, obj("uploads", "a/b.txt"));
      expect(reply.status).toBe(404);
      expect(reply.json.error.code).toBe("NOT_FOUND");
    }
  });

  it("round-trips hostile keys as plain keys, none of them becoming a path", async () => {
    await bucket();
    for (const [i, key] of HOSTILE_KEYS.entries()) {
      const reply = await put("uploads", key, `content ${i}`);
      expect(reply.status, JSON.stringify(key)).toBe(201);
      expect(reply.json.object.key).toBe(key);
    }
    for (const [i, key] of HOSTILE_KEYS.entries()) {
      const read = await h.call("GET", obj("uploads", key));
      expect(new TextDecoder().decode(read.bytes), JSON.stringify(key)).toBe(`content ${i}`);
    }
    const listed = await h.call("GET", `${B}/uploads/objects`);
    expect(listed.json.objects.map((o: { key: string }) => o.key).sort()).toEqual([...HOSTILE_KEYS].sort());
    const files = await filesUnder(h.dataDir);
    expect(files.filter((f) => /passwd|spaced|日本|leading/.test(f))).toEqual([]);
    expect((await h.call("DELETE", obj("uploads", "../../etc/passwd"))).status).toBe(200);
    expect((await h.call("GET", obj("uploads", "a\u0000b"))).status).toBe(200);
  });

  it("takes the key from the raw path: slashes as they come, %2F decoded once, %25 kept as %", async () => {
    await bucket();
    expect(
      (await h.call("PUT", `${B}/uploads/objects/dir/sub/file.txt`, { body: "1" })).json.object.key,
    ).toBe("dir/sub/file.txt");
    expect((await h.call("PUT", `${B}/uploads/objects/a%252Fb`, { body: "2" })).json.object.key).toBe(
      "a%2Fb",
    );
    expect((await h.call("GET", `${B}/uploads/objects/dir%2Fsub%2Ffile.txt`)).status).toBe(200);
  });

  it.each([
    ["an empty key", `${B}/uploads/objects/`, "INVALID_REQUEST"],
    ["a malformed escape", `${B}/uploads/objects/%E2%9C`, "INVALID_REQUEST"],
    ["a key over 1024 bytes", `${B}/uploads/objects/${"é".repeat(513)}`, "INVALID_REQUEST"],
  ])("refuses %s with 400", async (_, path, code) => {
    await bucket();
    const reply = await h.call("PUT", path, { body: "x" });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe(code);
    expect((await h.call("GET", `${B}/uploads/objects`)).json.objects).toEqual([]);
  });
});

describe("the object size limit", () => {
  const LIMIT = 1000;
  beforeEach(async () => {
    await h.close();
    h = await startSqliteHarness({ maxObjectBytes: LIMIT });
    await bucket();
  });

  it("accepts an object of exactly the limit", async () => {
    expect((await put("uploads", "ok", new Uint8Array(LIMIT))).status).toBe(201);
  });

  it("refuses a declared Content-Length over the limit with 413, storing nothing", async () => {
    const reply = await put("uploads", "big", new Uint8Array(LIMIT + 1));
    expect(reply.status).toBe(413);
    expect(reply.json.error.code).toBe("PAYLOAD_TOO_LARGE");
    expect((await h.call("GET", `${B}/uploads/objects`)).json.objects).toEqual([]);
  });

  it("refuses a streamed body without a length once it passes the limit, reading no further", async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        if (pulled > 100) controller.close();
        else controller.enqueue(new Uint8Array(100));
      },
    });
    const reply = await h.call("PUT", obj("uploads", "streamed"), { body });
    expect(reply.status).toBe(413);
    expect(reply.json.error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(pulled).toBeLessThan(100);
    expect((await h.call("GET", obj("uploads", "streamed"))).status).toBe(404);
  });

  it("keeps the object that was there when a replacement is refused", async () => {
    await put("uploads", "k", "original");
    expect((await put("uploads", "k", new Uint8Array(LIMIT + 1))).status).toBe(413);
    expect(new TextDecoder().decode((await h.call("GET", obj("uploads", "k"))).bytes)).toBe("original");
  });
});

describe("the object size limit over a real socket", () => {
  it("answers 413 to an endless chunked upload while it is still being sent, storing nothing", async () => {
    await h.close();
    h = await startSqliteHarness({ maxObjectBytes: 64 * 1024 });
    await bucket();
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const started = serve({ fetch: h.gateway.app.fetch, port: 0, hostname: "127.0.0.1" }, () =>
        resolve(started),
      );
    });
    const port = (server.address() as AddressInfo).port;
    const chunk = Buffer.alloc(16 * 1024, 0x61);
    let sent = 0;
    try {
      const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        let stop = false;
        const req = httpRequest(
          {
            port,
            host: "127.0.0.1",
            method: "PUT",
            path: "/api/v1/tenants/acme/buckets/uploads/objects/endless",
            headers: { authorization: `Bearer ${h.acmeKey}` },
          },
          (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (d: string) => {
              body += d;
            });
            res.on("end", () => {
              stop = true;
              req.destroy();
              resolve({ status: res.statusCode ?? 0, body });
            });
          },
        );
        req.on("error", (err) => {
          if (!stop) reject(err);
        });
        const pump = () => {
          while (!stop && sent < 1024 * 1024 * 1024) {
            sent += chunk.length;
            if (!req.write(chunk)) {
              req.once("drain", pump);
              return;
            }
          }
        };
        pump();
      });
      expect(reply.status).toBe(413);
      expect(JSON.parse(reply.body).error.code).toBe("PAYLOAD_TOO_LARGE");
      expect(sent).toBeLessThan(1024 * 1024 * 1024);
      expect((await h.call("GET", `${B}/uploads/objects`)).json.objects).toEqual([]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("GET …/buckets/{b}/objects (listing)", () => {
  beforeEach(async () => {
    await bucket();
    for (const key of ["a.txt", "images/1.png", "images/2.png", "images/raw/3.png", "z.txt"]) {
      await put("uploads", key, key, "text/plain");
    }
  });

  it("lists every object in key order with its summary", async () => {
    const reply = await h.call("GET", `${B}/uploads/objects`);
    expect(reply.status).toBe(200);
    expect(reply.json.objects[0]).toEqual({
      key: "a.txt",
      size: 5,
      etag: md5("a.txt"),
      contentType: "text/plain",
      lastModified: h.clock.now,
    });
    expect(reply.json.objects.map((o: { key: string }) => o.key)).toEqual([
      "a.txt",
      "images/1.png",
      "images/2.png",
      "images/raw/3.png",
      "z.txt",
    ]);
    expect(reply.json).toMatchObject({ commonPrefixes: [], truncated: false, next: null });
  });

  it("filters by prefix and rolls up by delimiter", async () => {
    const byPrefix = await h.call("GET", `${B}/uploads/objects?prefix=images/`);
    expect(byPrefix.json.objects.map((o: { key: string }) => o.key)).toEqual([
      "images/1.png",
      "images/2.png",
      "images/raw/3.png",
    ]);
    const rolled = await h.call("GET", `${B}/uploads/objects?prefix=images/&delimiter=/`);
    expect(rolled.json.objects.map((o: { key: string }) => o.key)).toEqual(["images/1.png", "images/2.png"]);
    expect(rolled.json.commonPrefixes).toEqual(["images/raw/"]);
    const top = await h.call("GET", `${B}/uploads/objects?delimiter=/`);
    expect(top.json.objects.map((o: { key: string }) => o.key)).toEqual(["a.txt", "z.txt"]);
    expect(top.json.commonPrefixes).toEqual(["images/"]);
  });

  it("pages with limit and next, visiting every object once", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const query: string = after === null ? "limit=2" : `limit=2&after=${encodeURIComponent(after)}`;
      const reply = await h.call("GET", `${B}/uploads/objects?${query}`);
      pages += 1;
      expect(reply.json.objects.length).toBeLessThanOrEqual(2);
      seen.push(...reply.json.objects.map((o: { key: string }) => o.key));
      expect(reply.json.truncated).toBe(reply.json.next !== null);
      after = reply.json.next;
    } while (after !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(["a.txt", "images/1.png", "images/2.png", "images/raw/3.png", "z.txt"]);
  });

  it.each(["limit=0", "limit=1001", "limit=x", "marker=a", "delimiter="])(
    "refuses ?%s with 400",
    async (query) => {
      const reply = await h.call("GET", `${B}/uploads/objects?${query}`);
      expect(reply.status).toBe(400);
      expect(reply.json.error.code).toBe("INVALID_REQUEST");
    },
  );
});

describe("PUT and GET …/buckets/{b}/notifications", () => {
  const N = `${B}/uploads/notifications`;
  beforeEach(async () => {
    await bucket();
    await h.deploy("thumbs");
    await h.deploy("audit");
  });

  it("replaces the rules and reads them back", async () => {
    expect((await h.call("GET", N)).json).toEqual({ rules: [] });
    const rules = [
      { events: ["object-create"], prefix: "images/", suffix: ".png", function: "thumbs", batchSize: 5 },
      { events: ["object-create", "object-delete"], function: "audit", maxWaitMs: 0, allowRecursion: true },
    ];
    const reply = await h.call("PUT", N, { body: { rules } });
    expect(reply.status).toBe(200);
    expect(reply.json.rules).toHaveLength(2);
    expect(reply.json.rules[0]).toMatchObject(rules[0] as object);
    expect(reply.json.rules[1]).toMatchObject(rules[1] as object);
    expect((await h.call("GET", N)).json).toEqual(reply.json);
    expect((await h.call("PUT", N, { body: { rules: [] } })).json).toEqual({ rules: [] });
    expect(await h.storage.buckets.getNotifications("acme", "uploads")).toEqual([]);
  });

  it("answers 404 FUNCTION_NOT_FOUND for a target that does not exist, keeping the old rules", async () => {
    await h.call("PUT", N, { body: { rules: [{ events: ["object-create"], function: "thumbs" }] } });
    const reply = await h.call("PUT", N, {
      body: {
        rules: [
          { events: ["object-create"], function: "thumbs" },
          { events: ["object-delete"], function: "ghost" },
        ],
      },
    });
    expect(reply.status).toBe(404);
    expect(reply.json.error).toMatchObject({
      code: "FUNCTION_NOT_FOUND",
      message: expect.stringContaining("ghost"),
    });
    expect(await h.storage.buckets.getNotifications("acme", "uploads")).toMatchObject([
      { function: "thumbs" },
    ]);
  });

  it("does not let a rule target another tenant's function", async () => {
    await h.call("PUT", "/api/v1/tenants/other/functions/theirs", { body: { code: "export default {}" } });
    const reply = await h.call("PUT", N, {
      body: { rules: [{ events: ["object-create"], function: "theirs" }] },
    });
    expect(reply.json.error.code).toBe("FUNCTION_NOT_FOUND");
  });

  const rule = { events: ["object-create"], function: "thumbs" };
  it.each([
    ["no rules field", {}],
    ["an unknown field", { rules: [{ ...rule, filter: "x" }] }],
    ["an unknown top-level field", { rules: [rule], extra: 1 }],
    ["no events", { rules: [{ ...rule, events: [] }] }],
    ["an unknown event", { rules: [{ ...rule, events: ["object-read"] }] }],
    ["a repeated event", { rules: [{ ...rule, events: ["object-create", "object-create"] }] }],
    ["no function", { rules: [{ events: ["object-create"] }] }],
    ["a bad function name", { rules: [{ ...rule, function: "Bad_Name" }] }],
    ["batchSize 0", { rules: [{ ...rule, batchSize: 0 }] }],
    ["batchSize 101", { rules: [{ ...rule, batchSize: 101 }] }],
    ["batchSize 1.5", { rules: [{ ...rule, batchSize: 1.5 }] }],
    ["maxWaitMs -1", { rules: [{ ...rule, maxWaitMs: -1 }] }],
    ["maxWaitMs 60001", { rules: [{ ...rule, maxWaitMs: 60_001 }] }],
    ["allowRecursion as a string", { rules: [{ ...rule, allowRecursion: "yes" }] }],
    ["a prefix that is not a string", { rules: [{ ...rule, prefix: 5 }] }],
    ["101 rules", { rules: Array.from({ length: 101 }, () => rule) }],
  ])("refuses %s with 400 INVALID_REQUEST", async (_, body) => {
    const reply = await h.call("PUT", N, { body });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe("INVALID_REQUEST");
    expect(await h.storage.buckets.getNotifications("acme", "uploads")).toEqual([]);
  });

  it("accepts the limits: 100 rules, batchSize 1 and 100, maxWaitMs 0 and 60000", async () => {
    const rules = Array.from({ length: 100 }, (_, i) => ({
      events: ["object-create"],
      function: "thumbs",
      prefix: `p${i}/`,
      batchSize: i % 2 === 0 ? 1 : 100,
      maxWaitMs: i % 2 === 0 ? 0 : 60_000,
    }));
    const reply = await h.call("PUT", N, { body: { rules } });
    expect(reply.status).toBe(200);
    expect(reply.json.rules).toHaveLength(100);
  });

  it("turns a matching upload into one event for the target, and a delete into another", async () => {
    await h.call("PUT", N, {
      body: {
        rules: [
          { events: ["object-create"], prefix: "images/", suffix: ".png", function: "thumbs" },
          { events: ["object-delete"], function: "audit" },
        ],
      },
    });
    for (const key of ["images/cat.png", "images/cat.txt", "docs/cat.png"]) {
      expect((await put("uploads", key, key)).status).toBe(201);
    }
    expect(await h.storage.events.depth("acme", "thumbs")).toMatchObject({ count: 1 });
    expect(await h.storage.events.depth("acme", "audit")).toMatchObject({ count: 0 });

    expect((await h.call("DELETE", obj("uploads", "images/cat.txt"))).status).toBe(200);
    expect((await h.call("DELETE", obj("uploads", "never-there"))).status).toBe(404);
    expect(await h.storage.events.depth("acme", "audit")).toMatchObject({ count: 1 });

    const leased = await h.storage.events.lease(h.clock.now, 10, "test", 60_000);
    const shown = JSON.stringify(leased.map((e) => e.payload));
    expect(leased.map((e) => e.functionName).sort()).toEqual(["audit", "thumbs"]);
    expect(shown).toContain("images/cat.png");
    expect(shown).toContain("images/cat.txt");
    expect(shown).not.toContain("docs/cat.png");
  });
});

describe("access", () => {
  beforeEach(async () => {
    await bucket();
    await put("uploads", "secret.txt", "tenant A's data");
  });

  it("lets a read key only read", async () => {
    const key = h.acmeReadKey;
    expect((await h.call("GET", B, { key })).status).toBe(200);
    expect((await h.call("GET", `${B}/uploads/objects`, { key })).status).toBe(200);
    expect(new TextDecoder().decode((await h.call("GET", obj("uploads", "secret.txt"), { key })).bytes)).toBe(
      "tenant A's data",
    );
    expect((await h.call("GET", `${B}/uploads/notifications`, { key })).status).toBe(200);
    for (const [method, path, body] of [
      ["POST", B, { name: "more" }],
      ["DELETE", `${B}/uploads?force=1`, undefined],
      ["PUT", obj("uploads", "x"), "x"],
      ["DELETE", obj("uploads", "secret.txt"), undefined],
      ["PUT", `${B}/uploads/notifications`, { rules: [] }],
    ] as const) {
      const reply = await h.call(method, path, { key, body });
      expect(reply.status, `${method} ${path}`).toBe(403);
      expect(reply.json.error.code).toBe("FORBIDDEN");
    }
    expect((await h.call("GET", obj("uploads", "secret.txt"))).status).toBe(200);
    expect(await h.storage.buckets.list("acme")).toHaveLength(1);
  });

  it("refuses another tenant's key with 403 on every route, and no key with 401", async () => {
    for (const [method, path, body] of [
      ["GET", B, undefined],
      ["POST", B, { name: "stolen" }],
      ["GET", `${B}/uploads`, undefined],
      ["GET", `${B}/uploads/objects`, undefined],
      ["GET", obj("uploads", "secret.txt"), undefined],
      ["PUT", obj("uploads", "secret.txt"), "overwritten"],
      ["DELETE", obj("uploads", "secret.txt"), undefined],
      ["DELETE", `${B}/uploads?force=1`, undefined],
      ["GET", `${B}/uploads/notifications`, undefined],
      ["PUT", `${B}/uploads/notifications`, { rules: [] }],
    ] as const) {
      const foreign = await h.call(method, path, { key: h.otherKey, body });
      expect(foreign.status, `${method} ${path}`).toBe(403);
      expect(foreign.json.error.code).toBe("FORBIDDEN");
      expect(JSON.stringify(foreign.json)).not.toContain("tenant A's data");
      expect((await h.call(method, path, { key: null, body })).status).toBe(401);
    }
    expect(new TextDecoder().decode((await h.call("GET", obj("uploads", "secret.txt"))).bytes)).toBe(
      "tenant A's data",
    );
    expect(await h.storage.buckets.list("acme")).toHaveLength(1);
  });

  it("keeps tenants' buckets of the same name apart", async () => {
    await h.call("POST", "/api/v1/tenants/other/buckets", { key: h.otherKey, body: { name: "uploads" } });
    const theirs = await h.call("GET", "/api/v1/tenants/other/buckets/uploads/objects/secret.txt", {
      key: h.otherKey,
    });
    expect(theirs.status).toBe(404);
    expect(
      (await h.call("GET", "/api/v1/tenants/other/buckets/uploads/objects", { key: h.otherKey })).json
        .objects,
    ).toEqual([]);
  });
});
