// SQLite-specific behaviour of objects: what lands on disk, when files go, and that a write is one commit.
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { resolveFunctionConfig, sha256Hex } from "@skiff/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStorage, type SqliteStorage } from "./sqlite-storage.js";
import type { WriteContext } from "./types.js";

const T = 1_700_000_000_000;
const MAX = 1024 * 1024;
const encoder = new TextEncoder();
const ctx = (overrides: Partial<WriteContext> = {}): WriteContext => ({
  now: T,
  action: "PutObject",
  ...overrides,
});

/** Every file under `dir`, as paths relative to it. */
async function walk(dir: string, base = dir): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(path, base)));
    else found.push(relative(base, path));
  }
  return found.sort();
}

async function text(body: AsyncIterable<Uint8Array> | undefined): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const part of body ?? []) parts.push(part);
  return Buffer.concat(parts).toString("utf8");
}

describe("SqliteObjectStore on disk", () => {
  let root: string;
  let dataDir: string;
  let objectsDir: string;
  let storage: SqliteStorage;

  const put = (key: string, content: string, bucket = "uploads") =>
    storage.objects.put("acme", bucket, key, { body: encoder.encode(content), maxBytes: MAX }, ctx());
  const contentFiles = async () => (await walk(objectsDir)).filter((path) => /^[0-9a-f]{2}\//.test(path));
  const fileOf = (content: string) => {
    const hash = sha256Hex(content);
    return `${hash.slice(0, 2)}/${hash}`;
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "skiff-objects-"));
    dataDir = join(root, "data");
    objectsDir = join(dataDir, "objects");
    storage = await openStorage({ dataDir });
    await storage.tenants.create("acme");
    await storage.functions.deploy("acme", "thumbs", {
      code: encoder.encode("x"),
      config: resolveFunctionConfig(),
    });
    await storage.buckets.create("acme", "uploads", T);
  });

  afterEach(async () => {
    await storage.close();
    await rm(root, { recursive: true, force: true });
  });

  it("never turns a key into a path: files are named by content hash, inside the data dir", async () => {
    const keys = ["../../etc/passwd", "../../../outside", "a\u0000b", "/abs/path", "dir/../../x", "ünï 🚀"];
    for (const key of keys) await put(key, `content of ${key}`);
    expect(await readdir(root)).toEqual(["data"]);
    expect(await contentFiles()).toEqual(keys.map((key) => fileOf(`content of ${key}`)).sort());
    for (const key of keys) {
      expect(await text((await storage.objects.get("acme", "uploads", key))?.body)).toBe(`content of ${key}`);
    }
    expect(await readdir(join(objectsDir, "tmp"))).toEqual([]);
    expect((await stat(join(objectsDir, fileOf(`content of ${keys[0]}`)))).mode & 0o777).toBe(0o600);
  });

  it("stores one file for equal content and deletes it with the last object pointing at it", async () => {
    await put("a", "shared");
    await put("b", "shared");
    expect(await contentFiles()).toEqual([fileOf("shared")]);
    await storage.objects.delete("acme", "uploads", "a", ctx({ action: "DeleteObject" }));
    expect(await contentFiles()).toEqual([fileOf("shared")]);
    await put("b", "replaced");
    expect(await contentFiles()).toEqual([fileOf("replaced")]);
    await storage.objects.copy(
      "acme",
      { bucket: "uploads", key: "b" },
      { bucket: "uploads", key: "c" },
      ctx(),
    );
    await storage.objects.delete("acme", "uploads", "b", ctx({ action: "DeleteObject" }));
    expect(await contentFiles()).toEqual([fileOf("replaced")]);
    await storage.objects.delete("acme", "uploads", "c", ctx({ action: "DeleteObject" }));
    expect(await contentFiles()).toEqual([]);
  });

  it("leaves no temp file behind a refused body", async () => {
    await expect(
      storage.objects.put("acme", "uploads", "big", { body: new Uint8Array(100), maxBytes: 10 }, ctx()),
    ).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    expect(await walk(objectsDir)).toEqual([]);
  });

  it("stores nothing, not even the file, when the notification can not be queued", async () => {
    await storage.buckets.setNotifications("acme", "uploads", [
      { events: ["object-create"], function: "thumbs" },
    ]);
    storage.db.exec(`CREATE TRIGGER refuse_events BEFORE INSERT ON events
      BEGIN SELECT RAISE(ABORT, 'queue unavailable'); END`);
    await expect(put("k", "never stored")).rejects.toThrow(/queue unavailable/);
    expect(await storage.objects.head("acme", "uploads", "k")).toBeUndefined();
    expect(await walk(objectsDir)).toEqual([]);
    expect(storage.db.prepare("SELECT sequence FROM buckets").get()).toEqual({ sequence: 0 });
    storage.db.exec("DROP TRIGGER refuse_events");
    await put("k", "stored");
    expect(storage.db.prepare("SELECT count(*) AS n FROM events WHERE kind = 'storage'").get()).toEqual({
      n: 1,
    });
  });

  it("keeps serving a body opened before the object was deleted", async () => {
    await put("k", "still readable");
    const found = await storage.objects.get("acme", "uploads", "k");
    await storage.objects.delete("acme", "uploads", "k", ctx({ action: "DeleteObject" }));
    expect(await contentFiles()).toEqual([]);
    expect(await text(found?.body)).toBe("still readable");
  });

  it("reports a content file lost outside Skiff as an internal error, not as a missing object", async () => {
    await put("k", "lost");
    await rm(join(objectsDir, fileOf("lost")));
    await expect(storage.objects.get("acme", "uploads", "k")).rejects.toMatchObject({
      code: "INTERNAL_ERROR",
      message: expect.stringMatching(/missing/),
    });
    expect(await storage.objects.head("acme", "uploads", "k")).toMatchObject({ key: "k", size: 4 });
  });

  it("deletes a forced bucket's files and uploads", async () => {
    await put("a", "one");
    await put("b", "two");
    const { uploadId } = await storage.multipart.create("acme", "uploads", "m", {}, T);
    await storage.multipart.uploadPart("acme", "uploads", uploadId, 1, encoder.encode("part"), MAX);
    expect(await walk(join(objectsDir, "uploads"))).toHaveLength(1);
    await storage.buckets.delete("acme", "uploads", { force: true });
    expect(await walk(objectsDir)).toEqual([]);
    expect(await readdir(join(objectsDir, "uploads"))).toEqual([]);
  });

  it("keeps multipart parts in the upload's directory until completion or abort", async () => {
    const first = await storage.multipart.create("acme", "uploads", "m1", {}, T);
    const second = await storage.multipart.create("acme", "uploads", "m2", {}, T);
    const p = await storage.multipart.uploadPart(
      "acme",
      "uploads",
      first.uploadId,
      1,
      encoder.encode("a"),
      MAX,
    );
    await storage.multipart.uploadPart("acme", "uploads", first.uploadId, 1, encoder.encode("b"), MAX);
    await storage.multipart.uploadPart("acme", "uploads", second.uploadId, 1, encoder.encode("c"), MAX);
    // The replaced part's file went with its row.
    expect(await readdir(join(objectsDir, "uploads", first.uploadId))).toHaveLength(1);
    await expect(
      storage.multipart.complete("acme", "uploads", first.uploadId, [{ partNumber: 1, etag: p.etag }], ctx()),
    ).rejects.toMatchObject({ details: { s3: "InvalidPart" } });
    const p2 = await storage.multipart.uploadPart(
      "acme",
      "uploads",
      first.uploadId,
      2,
      encoder.encode("z"),
      MAX,
    );
    await storage.multipart.complete(
      "acme",
      "uploads",
      first.uploadId,
      [{ partNumber: 2, etag: p2.etag }],
      ctx(),
    );
    expect(await readdir(join(objectsDir, "uploads"))).toEqual([second.uploadId]);
    await storage.multipart.abort("acme", "uploads", second.uploadId);
    expect(await readdir(join(objectsDir, "uploads"))).toEqual([]);
    expect(await contentFiles()).toEqual([fileOf("z")]);
    expect(await readdir(join(objectsDir, "tmp"))).toEqual([]);
  });

  it("cascades a tenant's deletion to its buckets, objects, uploads and KV, and sweeps their files", async () => {
    await put("a", "one");
    const { uploadId } = await storage.multipart.create("acme", "uploads", "m", {}, T);
    await storage.multipart.uploadPart("acme", "uploads", uploadId, 1, encoder.encode("part"), MAX);
    await storage.kv.createNamespace("acme", "cache", T);
    await storage.kv.put("acme", "cache", "k", encoder.encode("v"), {}, T);
    await storage.s3Credentials.create("acme", T);
    storage.db.prepare("DELETE FROM tenants WHERE name = 'acme'").run();
    for (const table of [
      "buckets",
      "objects",
      "multipart_uploads",
      "multipart_parts",
      "kv_namespaces",
      "kv_entries",
    ]) {
      expect(storage.db.prepare(`SELECT count(*) AS n FROM ${table}`).get(), table).toEqual({ n: 0 });
    }
    // A temp file left by a crash mid-upload, two hours ago.
    await writeFile(join(objectsDir, "tmp", "old.tmp"), "x");
    const written = (await stat(join(objectsDir, "tmp", "old.tmp"))).mtimeMs;
    const swept = await storage.objectGarbage.sweep(written + 2 * 60 * 60 * 1000, 60 * 60 * 1000);
    expect(swept).toEqual({ files: 1, uploads: 1, temps: 1 });
    expect(await walk(objectsDir)).toEqual([]);
  });

  it("sweeps nothing a row still points at, nor a temp file of a body still arriving", async () => {
    await put("a", "one");
    const { uploadId } = await storage.multipart.create("acme", "uploads", "m", {}, T);
    await storage.multipart.uploadPart("acme", "uploads", uploadId, 1, encoder.encode("part"), MAX);
    await writeFile(join(objectsDir, "tmp", "fresh.tmp"), "x");
    const now = (await stat(join(objectsDir, "tmp", "fresh.tmp"))).mtimeMs;
    expect(await storage.objectGarbage.sweep(now)).toEqual({ files: 0, uploads: 0, temps: 0 });
    expect(await text((await storage.objects.get("acme", "uploads", "a"))?.body)).toBe("one");
  });

  it("keeps objects, rules and KV entries across close and reopen", async () => {
    await storage.buckets.setNotifications("acme", "uploads", [
      { events: ["object-create"], function: "thumbs" },
    ]);
    await put("persist", "durable");
    await storage.kv.createNamespace("acme", "cache", T);
    await storage.kv.put("acme", "cache", "k", encoder.encode("v"), { metadata: { m: 1 } }, T);
    const { accessKeyId, secretAccessKey } = await storage.s3Credentials.create("acme", T);
    await storage.close();
    storage = await openStorage({ dataDir });
    expect(await text((await storage.objects.get("acme", "uploads", "persist"))?.body)).toBe("durable");
    expect(await storage.buckets.getNotifications("acme", "uploads")).toEqual([
      { events: ["object-create"], function: "thumbs" },
    ]);
    expect((await storage.kv.get("acme", "cache", "k", T))?.metadata).toEqual({ m: 1 });
    expect(await storage.s3Credentials.resolve(accessKeyId)).toEqual({ tenant: "acme", secretAccessKey });
    expect(await readFile(join(objectsDir, fileOf("durable")), "utf8")).toBe("durable");
  });
});
