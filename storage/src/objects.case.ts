// The storage-notification part of the storage conformance suite (buckets, objects, notifications, multipart
// uploads, KV, S3 credentials), run by `runStorageConformance` for every backend.
import { createHash } from "node:crypto";
import { resolveFunctionConfig } from "@skiff/core";
import { beforeEach, describe, expect, it } from "vitest";
import type { StorageEventPayload } from "./object-notifier.js";
import type { LeasedEvent, NotificationRule, Storage, WriteContext } from "./types.js";

const T = 1_700_000_000_000;
const ISO_T = new Date(T).toISOString();
const MAX = 1024 * 1024;
const encoder = new TextEncoder();

const bytes = (text: string): Uint8Array => encoder.encode(text);
const md5 = (data: Uint8Array | string): string => createHash("md5").update(data).digest("hex");
const sha256 = (data: Uint8Array | string): string => createHash("sha256").update(data).digest("hex");
const ctx = (overrides: Partial<WriteContext> = {}): WriteContext => ({
  now: T,
  action: "PutObject",
  ...overrides,
});

async function readAll(body: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of body) parts.push(part);
  return new Uint8Array(Buffer.concat(parts));
}

async function* chunked(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.byteLength; at += size) yield data.subarray(at, at + size);
}

/** UTF-8 byte order: how S3 lists keys. */
const byUtf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** The payload of a storage event or its dead letter. */
function payloadOf(event: { payload: unknown } | undefined): StorageEventPayload {
  if (event === undefined) throw new Error("expected an event");
  return event.payload as StorageEventPayload;
}

async function deploy(storage: Storage, tenant: string, name: string): Promise<void> {
  await storage.functions.deploy(tenant, name, {
    code: encoder.encode(`${tenant}/${name}`),
    config: resolveFunctionConfig(),
  });
}

/**
 * Registers the object cases. `current` answers the storage the enclosing suite opened for this test.
 */
export function describeObjectStorage(current: () => Storage): void {
  let storage: Storage;

  const put = (key: string, content: string | Uint8Array, bucket = "uploads", context = ctx()) =>
    storage.objects.put(
      "acme",
      bucket,
      key,
      { body: typeof content === "string" ? bytes(content) : content, maxBytes: MAX },
      context,
    );

  const getText = async (key: string, bucket = "uploads", tenant = "acme"): Promise<string | undefined> => {
    const found = await storage.objects.get(tenant, bucket, key);
    return found === undefined ? undefined : Buffer.from(await readAll(found.body)).toString("utf8");
  };

  /** Every event due, leased once (so each call sees only events queued since the last). */
  const queued = async (): Promise<LeasedEvent[]> => storage.events.lease(T + 10 ** 9, 1000, "probe", 60_000);

  const notify = (rules: NotificationRule[], bucket = "uploads") =>
    storage.buckets.setNotifications("acme", bucket, rules);

  beforeEach(async () => {
    storage = current();
    await storage.tenants.create("acme");
    await storage.tenants.create("other");
    await deploy(storage, "acme", "thumbs");
    await deploy(storage, "acme", "audit");
    await deploy(storage, "other", "thumbs");
    await storage.buckets.create("acme", "uploads", T);
  });

  describe("buckets", () => {
    it("creates, gets and lists a tenant's buckets sorted by name", async () => {
      const zeta = await storage.buckets.create("acme", "zeta.bucket", T + 1);
      expect(zeta).toEqual({ tenant: "acme", name: "zeta.bucket", createdAt: T + 1 });
      await storage.buckets.create("acme", "alpha-1", T + 2);
      expect((await storage.buckets.list("acme")).map((b) => b.name)).toEqual([
        "alpha-1",
        "uploads",
        "zeta.bucket",
      ]);
      expect(await storage.buckets.get("acme", "zeta.bucket")).toEqual(zeta);
      expect(await storage.buckets.get("acme", "nope")).toBeUndefined();
      expect(await storage.buckets.get("nobody", "uploads")).toBeUndefined();
      expect(await storage.buckets.list("other")).toEqual([]);
    });

    it("refuses a taken name, a bad name and an unknown tenant", async () => {
      await expect(storage.buckets.create("acme", "uploads", T)).rejects.toMatchObject({ code: "CONFLICT" });
      for (const bad of ["ab", "Upper", "a_b", "../x", "-ab", "a..b", "10.0.0.1", "x".repeat(64)]) {
        await expect(storage.buckets.create("acme", bad, T)).rejects.toMatchObject({ code: "INVALID_NAME" });
      }
      await expect(storage.buckets.create("nobody", "fine", T)).rejects.toMatchObject({
        code: "TENANT_NOT_FOUND",
      });
      await expect(storage.buckets.list("nobody")).rejects.toMatchObject({ code: "TENANT_NOT_FOUND" });
      expect((await storage.buckets.list("acme")).map((b) => b.name)).toEqual(["uploads"]);
    });

    it("keeps tenants apart: a bucket of the same name is another bucket", async () => {
      await storage.buckets.create("other", "uploads", T);
      await put("secret.txt", "acme's");
      expect(await storage.objects.head("other", "uploads", "secret.txt")).toBeUndefined();
      expect(await storage.objects.get("other", "uploads", "secret.txt")).toBeUndefined();
      expect((await storage.objects.list("other", "uploads")).objects).toEqual([]);
      await expect(
        storage.objects.copy(
          "other",
          { bucket: "uploads", key: "secret.txt" },
          { bucket: "uploads", key: "x" },
          ctx(),
        ),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
      expect(
        await storage.objects.delete("other", "uploads", "secret.txt", ctx({ action: "DeleteObject" })),
      ).toBe(false);
      await storage.buckets.delete("other", "uploads");
      expect(await getText("secret.txt")).toBe("acme's");
      // A tenant without the bucket can not reach it at all.
      await expect(storage.objects.get("other", "uploads", "secret.txt")).rejects.toMatchObject({
        code: "NOT_FOUND",
        details: { s3: "NoSuchBucket" },
      });
    });

    it("refuses to delete a bucket holding objects unless forced", async () => {
      await put("a.txt", "a");
      await expect(storage.buckets.delete("acme", "uploads")).rejects.toMatchObject({
        code: "CONFLICT",
        details: { s3: "BucketNotEmpty" },
      });
      expect(await getText("a.txt")).toBe("a");
      await storage.buckets.delete("acme", "uploads", { force: true });
      expect(await storage.buckets.get("acme", "uploads")).toBeUndefined();
      await storage.buckets.create("acme", "uploads", T);
      expect(await storage.objects.head("acme", "uploads", "a.txt")).toBeUndefined();
      await storage.buckets.create("acme", "empty", T);
      await storage.buckets.delete("acme", "empty");
      await expect(storage.buckets.delete("acme", "empty")).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(storage.buckets.delete("nobody", "empty")).rejects.toMatchObject({
        code: "TENANT_NOT_FOUND",
      });
    });

    it("stores notification rules in normal form and checks their functions", async () => {
      expect(await storage.buckets.getNotifications("acme", "uploads")).toEqual([]);
      await notify([
        { events: ["object-create"], prefix: "images/", suffix: ".txt", function: "thumbs", batchSize: 5 },
        { events: ["object-delete", "object-delete"], prefix: "", function: "audit", allowRecursion: true },
      ]);
      expect(await storage.buckets.getNotifications("acme", "uploads")).toEqual([
        { events: ["object-create"], prefix: "images/", suffix: ".txt", function: "thumbs", batchSize: 5 },
        { events: ["object-delete"], function: "audit", allowRecursion: true },
      ]);
      await expect(notify([{ events: ["object-create"], function: "ghost" }])).rejects.toMatchObject({
        code: "FUNCTION_NOT_FOUND",
      });
      await expect(notify([{ events: [], function: "thumbs" }])).rejects.toMatchObject({
        code: "INVALID_REQUEST",
      });
      await expect(
        notify([{ events: ["object-create"], function: "thumbs", maxWaitMs: 60_001 }]),
      ).rejects.toMatchObject({ code: "INVALID_REQUEST" });
      // Refused rules leave the stored ones as they were.
      expect(await storage.buckets.getNotifications("acme", "uploads")).toHaveLength(2);
      await expect(storage.buckets.getNotifications("acme", "nope")).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      await expect(
        storage.buckets.setNotifications("other", "uploads", [
          { events: ["object-create"], function: "thumbs" },
        ]),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
      await notify([]);
      expect(await storage.buckets.getNotifications("acme", "uploads")).toEqual([]);
    });
  });

  describe("objects", () => {
    it("stores the bytes with their MD5 ETag, SHA-256, type, metadata and time", async () => {
      const content = bytes("hello, world");
      const info = await storage.objects.put(
        "acme",
        "uploads",
        "docs/hello.txt",
        { body: content, contentType: "text/plain", metadata: { Owner: "Ann", tag: "ünï" }, maxBytes: MAX },
        ctx({ now: T + 5 }),
      );
      const expected = {
        bucket: "uploads",
        key: "docs/hello.txt",
        size: content.byteLength,
        etag: md5(content),
        sha256: sha256(content),
        contentType: "text/plain",
        metadata: { owner: "Ann", tag: "ünï" },
        lastModified: T + 5,
      };
      expect(info).toEqual(expected);
      expect(await storage.objects.head("acme", "uploads", "docs/hello.txt")).toEqual(expected);
      const found = await storage.objects.get("acme", "uploads", "docs/hello.txt");
      expect(found?.info).toEqual(expected);
      expect(await readAll(found?.body ?? chunked(new Uint8Array(), 1))).toEqual(content);
      expect(await storage.objects.head("acme", "uploads", "docs/other.txt")).toBeUndefined();
      expect(await storage.objects.get("acme", "uploads", "docs/other.txt")).toBeUndefined();
    });

    it("stores hostile keys as plain keys and reads each back", async () => {
      const keys = [
        "../../etc/passwd",
        "a\u0000b",
        "a\u0000",
        "with space",
        "ünï/cødé 🚀",
        "/leading/slash",
        "..",
        ".",
        "C:\\windows\\system32",
        "%2e%2e/x",
        "a%b_c",
        "k".repeat(1024),
        `${"€".repeat(341)}a`,
      ];
      for (const [i, key] of keys.entries()) await put(key, `content ${i}`);
      for (const [i, key] of keys.entries()) {
        expect(await getText(key), JSON.stringify(key)).toBe(`content ${i}`);
        expect((await storage.objects.head("acme", "uploads", key))?.key).toBe(key);
      }
      // "a" and "a\0" are different keys, as are "a\0b" and "a".
      expect(await storage.objects.head("acme", "uploads", "a")).toBeUndefined();
      const listed = (await storage.objects.list("acme", "uploads")).objects.map((o) => o.key);
      expect(listed).toEqual([...keys].sort(byUtf8));
    });

    it("refuses a key over 1024 bytes, an empty key and a lone surrogate, storing nothing", async () => {
      for (const key of ["k".repeat(1025), `${"€".repeat(341)}é`, "", "a\uD800"]) {
        await expect(put(key, "x")).rejects.toMatchObject({ code: "INVALID_REQUEST" });
      }
      expect((await storage.objects.list("acme", "uploads")).objects).toEqual([]);
    });

    it("hashes a streamed body and enforces the size limit exactly", async () => {
      const data = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 31) % 251);
      const info = await storage.objects.put(
        "acme",
        "uploads",
        "streamed.bin",
        { body: chunked(data, 7_777), maxBytes: data.byteLength },
        ctx(),
      );
      expect(info).toMatchObject({ size: data.byteLength, etag: md5(data), sha256: sha256(data) });
      const found = await storage.objects.get("acme", "uploads", "streamed.bin");
      expect(sha256(await readAll(found?.body ?? chunked(new Uint8Array(), 1)))).toBe(sha256(data));

      await expect(
        storage.objects.put(
          "acme",
          "uploads",
          "over.bin",
          { body: chunked(data, 7_777), maxBytes: data.byteLength - 1 },
          ctx(),
        ),
      ).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE", status: 413 });
      await expect(
        storage.objects.put("acme", "uploads", "over.bin", { body: data, maxBytes: 10 }, ctx()),
      ).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
      expect(await storage.objects.head("acme", "uploads", "over.bin")).toBeUndefined();
    });

    it("stops reading a body that would never end once it passes the limit", async () => {
      let pulled = 0;
      let stopped = false;
      async function* forever(): AsyncGenerator<Uint8Array> {
        try {
          for (;;) {
            pulled += 1;
            yield new Uint8Array(1000);
          }
        } finally {
          stopped = true;
        }
      }
      await expect(
        storage.objects.put("acme", "uploads", "endless", { body: forever(), maxBytes: 10_000 }, ctx()),
      ).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
      expect(pulled).toBe(11);
      expect(stopped).toBe(true);
      expect(await storage.objects.head("acme", "uploads", "endless")).toBeUndefined();
    });

    it("stores an empty object", async () => {
      const info = await put("empty", new Uint8Array(0));
      expect(info).toMatchObject({ size: 0, etag: "d41d8cd98f00b204e9800998ecf8427e", sha256: sha256("") });
      expect(await getText("empty")).toBe("");
    });

    it("reads byte ranges, cutting an end past the object", async () => {
      const data = Uint8Array.from({ length: 700_000 }, (_, i) => i % 256);
      await put("big.bin", data);
      const range = async (start: number, end: number) => {
        const found = await storage.objects.get("acme", "uploads", "big.bin", { start, end });
        expect(found?.info.size).toBe(data.byteLength);
        return readAll(found?.body ?? chunked(new Uint8Array(), 1));
      };
      expect(await range(0, 0)).toEqual(data.subarray(0, 1));
      expect(await range(2, 4)).toEqual(data.subarray(2, 5));
      expect(await range(250_000, 650_000)).toEqual(data.subarray(250_000, 650_001));
      expect(await range(699_990, 10_000_000)).toEqual(data.subarray(699_990));
      for (const [start, end] of [
        [700_000, 700_001],
        [5, 4],
        [-1, 3],
      ] as const) {
        await expect(storage.objects.get("acme", "uploads", "big.bin", { start, end })).rejects.toMatchObject(
          {
            code: "INVALID_REQUEST",
            details: { s3: "InvalidRange" },
          },
        );
      }
    });

    it("replaces an object on overwrite, and keeps content shared by another key", async () => {
      await put("a", "same");
      await put("b", "same");
      await storage.objects.put(
        "acme",
        "uploads",
        "a",
        { body: bytes("new"), contentType: "text/x", maxBytes: MAX },
        ctx({ now: T + 1 }),
      );
      expect(await storage.objects.head("acme", "uploads", "a")).toMatchObject({
        etag: md5("new"),
        contentType: "text/x",
        metadata: {},
        lastModified: T + 1,
      });
      expect(await getText("a")).toBe("new");
      expect(await getText("b")).toBe("same");
      expect(await storage.objects.delete("acme", "uploads", "b", ctx({ action: "DeleteObject" }))).toBe(
        true,
      );
      await put("c", "same");
      expect(await getText("c")).toBe("same");
    });

    it("deletes an object, answering whether it existed", async () => {
      await put("gone", "x");
      await put("kept", "x");
      expect(await storage.objects.delete("acme", "uploads", "gone", ctx({ action: "DeleteObject" }))).toBe(
        true,
      );
      expect(await storage.objects.delete("acme", "uploads", "gone", ctx({ action: "DeleteObject" }))).toBe(
        false,
      );
      expect(await storage.objects.head("acme", "uploads", "gone")).toBeUndefined();
      expect(await getText("kept")).toBe("x");
    });

    it("answers NOT_FOUND for an unknown bucket and TENANT_NOT_FOUND for an unknown tenant", async () => {
      const calls = (tenant: string, bucket: string) => [
        storage.objects.put(tenant, bucket, "k", { body: bytes("x"), maxBytes: MAX }, ctx()),
        storage.objects.head(tenant, bucket, "k"),
        storage.objects.get(tenant, bucket, "k"),
        storage.objects.delete(tenant, bucket, "k", ctx({ action: "DeleteObject" })),
        storage.objects.list(tenant, bucket),
        storage.multipart.create(tenant, bucket, "k", {}, T),
      ];
      for (const call of calls("acme", "nope")) {
        await expect(call).rejects.toMatchObject({ code: "NOT_FOUND", details: { s3: "NoSuchBucket" } });
      }
      for (const call of calls("nobody", "uploads")) {
        await expect(call).rejects.toMatchObject({ code: "TENANT_NOT_FOUND" });
      }
    });

    it("copies an object within and across buckets without its bytes passing through", async () => {
      await storage.buckets.create("acme", "archive", T);
      await storage.objects.put(
        "acme",
        "uploads",
        "src.txt",
        { body: bytes("copy me"), contentType: "text/plain", metadata: { a: "1" }, maxBytes: MAX },
        ctx(),
      );
      const copied = await storage.objects.copy(
        "acme",
        { bucket: "uploads", key: "src.txt" },
        { bucket: "archive", key: "dst/src.txt" },
        ctx({ now: T + 9, action: "CopyObject" }),
      );
      expect(copied).toEqual({
        bucket: "archive",
        key: "dst/src.txt",
        size: 7,
        etag: md5("copy me"),
        sha256: sha256("copy me"),
        contentType: "text/plain",
        metadata: { a: "1" },
        lastModified: T + 9,
      });
      expect(await getText("dst/src.txt", "archive")).toBe("copy me");
      await storage.objects.delete("acme", "uploads", "src.txt", ctx({ action: "DeleteObject" }));
      expect(await getText("dst/src.txt", "archive")).toBe("copy me");
      await expect(
        storage.objects.copy(
          "acme",
          { bucket: "uploads", key: "src.txt" },
          { bucket: "archive", key: "x" },
          ctx(),
        ),
      ).rejects.toMatchObject({ code: "NOT_FOUND", details: { s3: "NoSuchKey" } });
      await expect(
        storage.objects.copy(
          "acme",
          { bucket: "archive", key: "dst/src.txt" },
          { bucket: "nope", key: "x" },
          ctx(),
        ),
      ).rejects.toMatchObject({ code: "NOT_FOUND", details: { s3: "NoSuchBucket" } });
    });

    describe("listing", () => {
      const keys = [
        "a.txt",
        "photos/2023/a.jpg",
        "photos/2023/b.jpg",
        "photos/2024/c.jpg",
        "photos/cover.jpg",
        "photos0",
        "readme",
        "x%y",
        "x_z",
        "xa",
      ];

      beforeEach(async () => {
        for (const key of [...keys].reverse()) await put(key, key);
      });

      it("lists every key in order, with prefixes matched literally", async () => {
        const all = await storage.objects.list("acme", "uploads");
        expect(all.objects.map((o) => o.key)).toEqual(keys);
        expect(all).toMatchObject({ commonPrefixes: [], truncated: false });
        expect(all.nextAfter).toBeUndefined();
        expect(all.objects[0]).toMatchObject({ bucket: "uploads", size: 5, etag: md5("a.txt") });
        const photos = await storage.objects.list("acme", "uploads", { prefix: "photos/" });
        expect(photos.objects.map((o) => o.key)).toEqual(keys.slice(1, 5));
        // '%' and '_' are LIKE wildcards; here they are characters.
        expect(
          (await storage.objects.list("acme", "uploads", { prefix: "x%" })).objects.map((o) => o.key),
        ).toEqual(["x%y"]);
        expect(
          (await storage.objects.list("acme", "uploads", { prefix: "x_" })).objects.map((o) => o.key),
        ).toEqual(["x_z"]);
        expect((await storage.objects.list("acme", "uploads", { prefix: "zzz" })).objects).toEqual([]);
      });

      it("rolls keys up to common prefixes with a delimiter", async () => {
        const top = await storage.objects.list("acme", "uploads", { delimiter: "/" });
        expect(top.objects.map((o) => o.key)).toEqual(["a.txt", "photos0", "readme", "x%y", "x_z", "xa"]);
        expect(top.commonPrefixes).toEqual(["photos/"]);
        const photos = await storage.objects.list("acme", "uploads", { prefix: "photos/", delimiter: "/" });
        expect(photos.objects.map((o) => o.key)).toEqual(["photos/cover.jpg"]);
        expect(photos.commonPrefixes).toEqual(["photos/2023/", "photos/2024/"]);
      });

      it("pages with a limit and continues after the last item, common prefixes included", async () => {
        const seen: string[] = [];
        let after: string | undefined;
        for (let page = 0; page < 10; page += 1) {
          const result = await storage.objects.list("acme", "uploads", {
            delimiter: "/",
            limit: 2,
            ...(after === undefined ? {} : { after }),
          });
          seen.push(...result.commonPrefixes, ...result.objects.map((o) => o.key));
          expect(result.objects.length + result.commonPrefixes.length).toBeLessThanOrEqual(2);
          if (!result.truncated) break;
          after = result.nextAfter;
          expect(after).toBeDefined();
        }
        expect(seen.sort(byUtf8)).toEqual(["a.txt", "photos/", "photos0", "readme", "x%y", "x_z", "xa"]);

        const flat: string[] = [];
        after = undefined;
        for (;;) {
          const result = await storage.objects.list("acme", "uploads", {
            limit: 3,
            ...(after === undefined ? {} : { after }),
          });
          flat.push(...result.objects.map((o) => o.key));
          if (!result.truncated) break;
          after = result.nextAfter;
        }
        expect(flat).toEqual(keys);
      });

      it("answers exactly a full page as not truncated", async () => {
        const result = await storage.objects.list("acme", "uploads", { prefix: "photos/2023/", limit: 2 });
        expect(result.objects.map((o) => o.key)).toEqual(["photos/2023/a.jpg", "photos/2023/b.jpg"]);
        expect(result.truncated).toBe(false);
      });

      it("starts strictly after a given key", async () => {
        const result = await storage.objects.list("acme", "uploads", { after: "photos/cover.jpg", limit: 2 });
        expect(result.objects.map((o) => o.key)).toEqual(["photos0", "readme"]);
        expect(result).toMatchObject({ truncated: true, nextAfter: "readme" });
        const prefixed = await storage.objects.list("acme", "uploads", { prefix: "photos/", after: "a" });
        expect(prefixed.objects.map((o) => o.key)).toEqual(keys.slice(1, 5));
      });
    });
  });

  describe("notifications", () => {
    it("queues a storage event with the R2 body and S3 record in the same commit as the object", async () => {
      await notify([{ events: ["object-create"], function: "thumbs" }]);
      const info = await put("images/my cat.txt", "cat");
      const events = await queued();
      expect(events).toHaveLength(1);
      const [event] = events as [LeasedEvent];
      expect(event).toMatchObject({ tenant: "acme", functionName: "thumbs", kind: "storage", createdAt: T });
      expect(event.payload).toEqual({
        kind: "queue",
        queue: "uploads",
        messages: [
          {
            id: event.id,
            timestamp: T,
            attempts: 1,
            body: {
              account: "acme",
              action: "PutObject",
              bucket: "uploads",
              object: { key: "images/my cat.txt", size: 3, eTag: info.etag },
              eventTime: ISO_T,
            },
          },
        ],
        lambdaEvent: {
          Records: [
            {
              eventVersion: "2.1",
              eventSource: "aws:s3",
              awsRegion: "us-east-1",
              eventTime: ISO_T,
              eventName: "ObjectCreated:Put",
              userIdentity: { principalId: "acme" },
              requestParameters: { sourceIPAddress: "127.0.0.1" },
              responseElements: {},
              s3: {
                s3SchemaVersion: "1.0",
                configurationId: "rule-0",
                bucket: {
                  name: "uploads",
                  ownerIdentity: { principalId: "acme" },
                  arn: "arn:aws:s3:::uploads",
                },
                object: {
                  key: "images/my+cat.txt",
                  size: 3,
                  eTag: md5("cat"),
                  sequencer: "0000000000000001",
                },
              },
            },
          ],
        },
        chain: { id: expect.any(String), hops: 1 },
        batch: { size: 10, maxWaitMs: 1000 },
      });
    });

    it("filters by event type, prefix and suffix, one event per matching rule", async () => {
      await notify([
        {
          events: ["object-create"],
          prefix: "images/",
          suffix: ".txt",
          function: "thumbs",
          batchSize: 3,
          maxWaitMs: 0,
        },
        { events: ["object-delete"], function: "audit" },
        { events: ["object-create", "object-delete"], suffix: ".log", function: "audit" },
      ]);
      for (const key of ["images/cat.txt", "images/cat.png", "docs/cat.txt", "images/x.log", "a.log"]) {
        await put(key, key);
      }
      const created = await queued();
      const summary = (events: LeasedEvent[]) =>
        events
          .map((e) => {
            return `${e.functionName}:${payloadOf(e).messages[0]?.body.object.key}`;
          })
          .sort();
      expect(summary(created)).toEqual(["audit:a.log", "audit:images/x.log", "thumbs:images/cat.txt"]);
      const thumbs = created.find((e) => e.functionName === "thumbs");
      expect(payloadOf(thumbs).batch).toEqual({ size: 3, maxWaitMs: 0 });

      await storage.objects.delete("acme", "uploads", "images/cat.txt", ctx({ action: "DeleteObject" }));
      await storage.objects.delete("acme", "uploads", "a.log", ctx({ action: "DeleteObject" }));
      await storage.objects.delete("acme", "uploads", "never-there", ctx({ action: "DeleteObject" }));
      const deleted = await queued();
      expect(summary(deleted)).toEqual(["audit:a.log", "audit:a.log", "audit:images/cat.txt"]);
      const record = payloadOf(deleted[0]).lambdaEvent.Records[0];
      expect(record?.eventName).toBe("ObjectRemoved:Delete");
      expect(Object.keys(record?.s3.object ?? {}).sort()).toEqual(["key", "sequencer"]);
      const body = payloadOf(deleted[0]).messages[0]?.body;
      expect(body).toMatchObject({ action: "DeleteObject", object: { key: expect.any(String) } });
      expect(Object.keys(body?.object ?? {})).toEqual(["key"]);
    });

    it("notifies nothing for a write that fails", async () => {
      await notify([{ events: ["object-create", "object-delete"], function: "thumbs" }]);
      await expect(
        storage.objects.put("acme", "uploads", "big", { body: new Uint8Array(11), maxBytes: 10 }, ctx()),
      ).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
      await expect(put("k".repeat(1025), "x")).rejects.toMatchObject({ code: "INVALID_REQUEST" });
      await expect(
        storage.objects.copy(
          "acme",
          { bucket: "uploads", key: "missing" },
          { bucket: "uploads", key: "x" },
          ctx(),
        ),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
      expect(await queued()).toEqual([]);
      expect(await storage.events.depth("acme")).toEqual({ count: 0, oldestCreatedAt: null });
    });

    it("names the copy source of a copy and the action of a multipart completion", async () => {
      await notify([{ events: ["object-create"], function: "thumbs" }]);
      await put("src", "s");
      await queued();
      await storage.objects.copy(
        "acme",
        { bucket: "uploads", key: "src" },
        { bucket: "uploads", key: "dst" },
        ctx(),
      );
      const [copy] = await queued();
      const copyPayload = payloadOf(copy);
      expect(copyPayload.messages[0]?.body).toEqual({
        account: "acme",
        action: "CopyObject",
        bucket: "uploads",
        object: { key: "dst", size: 1, eTag: md5("s") },
        eventTime: ISO_T,
        copySource: { bucket: "uploads", object: "src" },
      });
      expect(copyPayload.lambdaEvent.Records[0]?.eventName).toBe("ObjectCreated:Copy");

      const upload = await storage.multipart.create("acme", "uploads", "joined", {}, T);
      const part = await storage.multipart.uploadPart("acme", "uploads", upload.uploadId, 1, bytes("p"), MAX);
      await storage.multipart.complete(
        "acme",
        "uploads",
        upload.uploadId,
        [{ partNumber: 1, ...part }],
        ctx(),
      );
      const [completed] = await queued();
      const completedPayload = payloadOf(completed);
      expect(completedPayload.messages[0]?.body.action).toBe("CompleteMultipartUpload");
      expect(completedPayload.messages[0]?.body.object).toEqual({
        key: "joined",
        size: 1,
        eTag: `${md5(Buffer.from(md5("p"), "hex"))}-1`,
      });
      expect(completedPayload.lambdaEvent.Records[0]?.eventName).toBe(
        "ObjectCreated:CompleteMultipartUpload",
      );
    });

    it("gives sequencers that grow with each notified write of the bucket", async () => {
      await notify([{ events: ["object-create"], function: "thumbs" }]);
      for (const key of ["a", "b", "c"]) await put(key, key);
      const sequencers = (await queued()).map(
        (e) => payloadOf(e).lambdaEvent.Records[0]?.s3.object.sequencer,
      );
      expect(sequencers).toHaveLength(3);
      expect(new Set(sequencers).size).toBe(3);
      expect([...sequencers].sort()).toEqual(["0000000000000001", "0000000000000002", "0000000000000003"]);
    });

    it("continues a given chain, one hop further", async () => {
      await notify([
        { events: ["object-create"], function: "thumbs" },
        { events: ["object-create"], function: "audit" },
      ]);
      await put("x", "x", "uploads", ctx({ chain: { id: "chain-1", hops: 3 } }));
      const events = await queued();
      expect(events.map((e) => payloadOf(e).chain)).toEqual([
        { id: "chain-1", hops: 4 },
        { id: "chain-1", hops: 4 },
      ]);
      await put("y", "y");
      const fresh = (await queued()).map((e) => payloadOf(e).chain);
      expect(fresh[0]).toEqual({ id: expect.any(String), hops: 1 });
      expect(fresh[0]?.id).not.toBe("chain-1");
      // Both rules' events of one write share the new chain.
      expect(fresh[1]).toEqual(fresh[0]);
    });

    it("dead-letters the write after 16 hops of one chain unless the rule allows recursion", async () => {
      await notify([
        { events: ["object-create"], function: "thumbs" },
        { events: ["object-create"], function: "audit", allowRecursion: true },
      ]);
      await put("hop16", "x", "uploads", ctx({ chain: { id: "loop", hops: 15 } }));
      expect((await queued()).map((e) => [e.functionName, payloadOf(e).chain])).toEqual([
        ["thumbs", { id: "loop", hops: 16 }],
        ["audit", { id: "loop", hops: 16 }],
      ]);

      const info = await put("hop17", "x", "uploads", ctx({ chain: { id: "loop", hops: 16 } }));
      // The write itself is stored; only its notification stops.
      expect(info.key).toBe("hop17");
      expect(await getText("hop17")).toBe("x");
      const allowed = await queued();
      expect(allowed.map((e) => e.functionName)).toEqual(["audit"]);
      expect(payloadOf(allowed[0]).chain).toEqual({ id: "loop", hops: 17 });
      const dead = await storage.deadLetters.list("acme", "thumbs");
      expect(dead).toHaveLength(1);
      expect(dead[0]).toMatchObject({
        kind: "storage",
        reason: "recursionLimit",
        lastError: "stopped after 16 notified writes in one chain",
        attempts: 0,
        failedAt: T,
      });
      expect(payloadOf(dead[0]).chain).toEqual({
        id: "loop",
        hops: 17,
      });
      expect(payloadOf(dead[0]).messages[0]?.id).toBe(dead[0]?.id);
      expect(await storage.deadLetters.list("acme", "audit")).toEqual([]);
    });

    it("skips a rule whose function was deleted, and other tenants' functions of the same name", async () => {
      await notify([
        { events: ["object-create"], function: "thumbs" },
        { events: ["object-create"], function: "audit" },
      ]);
      await storage.functions.delete("acme", "thumbs");
      await put("k", "v");
      expect((await queued()).map((e) => `${e.tenant}/${e.functionName}`)).toEqual(["acme/audit"]);
    });
  });

  describe("multipart uploads", () => {
    it("hold the whole object to the limit and an upload to its key", async () => {
      const upload = await storage.multipart.create("acme", "uploads", "big", {}, T);
      for (const n of [1, 2, 3]) {
        await storage.multipart.uploadPart(
          "acme",
          "uploads",
          upload.uploadId,
          n,
          new Uint8Array(600),
          1000,
          "big",
        );
      }
      const parts = [1, 2, 3].map((partNumber) => ({ partNumber, etag: md5(new Uint8Array(600)) }));
      await expect(
        storage.multipart.uploadPart("acme", "uploads", upload.uploadId, 4, bytes("x"), 1000, "other-key"),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(
        storage.multipart.complete("acme", "uploads", upload.uploadId, parts, ctx(), { key: "other-key" }),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(
        storage.multipart.complete("acme", "uploads", upload.uploadId, parts, ctx(), {
          key: "big",
          maxBytes: 1000,
        }),
      ).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE", details: { s3: "EntityTooLarge" } });
      expect(await storage.objects.head("acme", "uploads", "big")).toBeUndefined();
      const done = await storage.multipart.complete("acme", "uploads", upload.uploadId, parts, ctx(), {
        key: "big",
        maxBytes: 1800,
      });
      expect(done.size).toBe(1800);
    });

    it("refuse metadata names that cannot travel as HTTP headers", async () => {
      await expect(
        storage.objects.put(
          "acme",
          "uploads",
          "m",
          { body: bytes("x"), metadata: { "a b(": "v" }, maxBytes: MAX },
          ctx(),
        ),
      ).rejects.toMatchObject({ code: "INVALID_REQUEST" });
      expect(await storage.objects.head("acme", "uploads", "m")).toBeUndefined();
    });

    const part1 = Uint8Array.from({ length: 100_000 }, (_, i) => i % 7);
    const part2 = Uint8Array.from({ length: 50_000 }, (_, i) => i % 11);
    const part3 = bytes("tail");

    it("joins the listed parts into one object with S3's multipart ETag", async () => {
      const upload = await storage.multipart.create(
        "acme",
        "uploads",
        "videos/big.bin",
        { contentType: "video/mp4", metadata: { Camera: "x" } },
        T,
      );
      expect(upload).toMatchObject({ bucket: "uploads", key: "videos/big.bin", initiatedAt: T });
      expect(upload.uploadId).toMatch(/^\S+$/);
      // Parts arrive in any order; a part sent again replaces the first.
      const p3 = await storage.multipart.uploadPart("acme", "uploads", upload.uploadId, 3, part3, MAX);
      const p1 = await storage.multipart.uploadPart(
        "acme",
        "uploads",
        upload.uploadId,
        1,
        bytes("wrong"),
        MAX,
      );
      expect(p1).toEqual({ etag: md5("wrong"), size: 5 });
      const p1again = await storage.multipart.uploadPart(
        "acme",
        "uploads",
        upload.uploadId,
        1,
        chunked(part1, 4096),
        MAX,
      );
      const p2 = await storage.multipart.uploadPart("acme", "uploads", upload.uploadId, 2, part2, MAX);
      expect(p1again).toEqual({ etag: md5(part1), size: part1.byteLength });
      expect(p3).toEqual({ etag: md5(part3), size: 4 });

      const whole = Buffer.concat([part1, part2, part3]);
      const info = await storage.multipart.complete(
        "acme",
        "uploads",
        upload.uploadId,
        [
          { partNumber: 1, etag: `"${p1again.etag}"` },
          { partNumber: 2, etag: p2.etag.toUpperCase() },
          { partNumber: 3, etag: p3.etag },
        ],
        ctx({ now: T + 3 }),
      );
      const etag = `${md5(Buffer.concat([p1again.etag, p2.etag, p3.etag].map((e) => Buffer.from(e, "hex"))))}-3`;
      expect(info).toEqual({
        bucket: "uploads",
        key: "videos/big.bin",
        size: whole.byteLength,
        etag,
        sha256: sha256(whole),
        contentType: "video/mp4",
        metadata: { camera: "x" },
        lastModified: T + 3,
      });
      const found = await storage.objects.get("acme", "uploads", "videos/big.bin");
      expect(Buffer.from(await readAll(found?.body ?? chunked(new Uint8Array(), 1))).equals(whole)).toBe(
        true,
      );
      // The upload is over: its id answers NoSuchUpload.
      await expect(
        storage.multipart.complete(
          "acme",
          "uploads",
          upload.uploadId,
          [{ partNumber: 1, etag: p1again.etag }],
          ctx(),
        ),
      ).rejects.toMatchObject({ code: "NOT_FOUND", details: { s3: "NoSuchUpload" } });
      await expect(
        storage.multipart.uploadPart("acme", "uploads", upload.uploadId, 4, part3, MAX),
      ).rejects.toMatchObject({ code: "NOT_FOUND", details: { s3: "NoSuchUpload" } });
    });

    it("may leave parts out, and refuses a wrong ETag, a missing part or a bad order", async () => {
      const { uploadId } = await storage.multipart.create("acme", "uploads", "k", {}, T);
      const p1 = await storage.multipart.uploadPart("acme", "uploads", uploadId, 1, part1, MAX);
      const p2 = await storage.multipart.uploadPart("acme", "uploads", uploadId, 2, part2, MAX);
      const p3 = await storage.multipart.uploadPart("acme", "uploads", uploadId, 3, part3, MAX);
      const complete = (parts: Array<{ partNumber: number; etag: string }>) =>
        storage.multipart.complete("acme", "uploads", uploadId, parts, ctx());
      await expect(complete([{ partNumber: 1, etag: p2.etag }])).rejects.toMatchObject({
        code: "INVALID_REQUEST",
        details: { s3: "InvalidPart" },
      });
      await expect(complete([{ partNumber: 4, etag: p3.etag }])).rejects.toMatchObject({
        details: { s3: "InvalidPart" },
      });
      await expect(
        complete([
          { partNumber: 2, etag: p2.etag },
          { partNumber: 1, etag: p1.etag },
        ]),
      ).rejects.toMatchObject({ code: "INVALID_REQUEST", details: { s3: "InvalidPartOrder" } });
      await expect(
        complete([
          { partNumber: 1, etag: p1.etag },
          { partNumber: 1, etag: p1.etag },
        ]),
      ).rejects.toMatchObject({ details: { s3: "InvalidPartOrder" } });
      await expect(complete([])).rejects.toMatchObject({ code: "INVALID_REQUEST" });
      expect(await storage.objects.head("acme", "uploads", "k")).toBeUndefined();

      const info = await complete([
        { partNumber: 1, etag: p1.etag },
        { partNumber: 3, etag: p3.etag },
      ]);
      expect(info.size).toBe(part1.byteLength + part3.byteLength);
      expect(info.sha256).toBe(sha256(Buffer.concat([part1, part3])));
    });

    it("checks part numbers and the part size limit", async () => {
      const { uploadId } = await storage.multipart.create("acme", "uploads", "k", {}, T);
      for (const n of [0, 10_001, 1.5]) {
        await expect(
          storage.multipart.uploadPart("acme", "uploads", uploadId, n, part3, MAX),
        ).rejects.toMatchObject({
          code: "INVALID_REQUEST",
        });
      }
      await expect(
        storage.multipart.uploadPart("acme", "uploads", uploadId, 1, part1, 1000),
      ).rejects.toMatchObject({
        code: "PAYLOAD_TOO_LARGE",
      });
      await expect(
        storage.multipart.complete("acme", "uploads", uploadId, [{ partNumber: 1, etag: md5(part1) }], ctx()),
      ).rejects.toMatchObject({ details: { s3: "InvalidPart" } });
      await expect(
        storage.multipart.create("acme", "uploads", "k".repeat(1025), {}, T),
      ).rejects.toMatchObject({
        code: "INVALID_REQUEST",
      });
    });

    it("aborts an upload, discarding its parts", async () => {
      const { uploadId } = await storage.multipart.create("acme", "uploads", "k", {}, T);
      const p1 = await storage.multipart.uploadPart("acme", "uploads", uploadId, 1, part1, MAX);
      await storage.multipart.abort("acme", "uploads", uploadId);
      await expect(storage.multipart.abort("acme", "uploads", uploadId)).rejects.toMatchObject({
        code: "NOT_FOUND",
        details: { s3: "NoSuchUpload" },
      });
      await expect(
        storage.multipart.complete("acme", "uploads", uploadId, [{ partNumber: 1, etag: p1.etag }], ctx()),
      ).rejects.toMatchObject({ details: { s3: "NoSuchUpload" } });
      await expect(
        storage.multipart.uploadPart("acme", "uploads", uploadId, 2, part2, MAX),
      ).rejects.toMatchObject({
        details: { s3: "NoSuchUpload" },
      });
      expect(await storage.objects.head("acme", "uploads", "k")).toBeUndefined();
    });

    it("keeps uploads to their tenant and bucket, and refuses made-up ids", async () => {
      await storage.buckets.create("other", "uploads", T);
      await storage.buckets.create("acme", "second", T);
      const { uploadId } = await storage.multipart.create("acme", "uploads", "k", {}, T);
      for (const [tenant, bucket] of [
        ["other", "uploads"],
        ["acme", "second"],
      ] as const) {
        await expect(
          storage.multipart.uploadPart(tenant, bucket, uploadId, 1, part3, MAX),
        ).rejects.toMatchObject({
          details: { s3: "NoSuchUpload" },
        });
        await expect(storage.multipart.abort(tenant, bucket, uploadId)).rejects.toMatchObject({
          details: { s3: "NoSuchUpload" },
        });
      }
      for (const fake of ["../../etc", "", "x".repeat(32), `${uploadId}/..`]) {
        await expect(
          storage.multipart.uploadPart("acme", "uploads", fake, 1, part3, MAX),
        ).rejects.toMatchObject({
          code: "NOT_FOUND",
        });
      }
      expect(await storage.multipart.uploadPart("acme", "uploads", uploadId, 1, part3, MAX)).toMatchObject({
        size: 4,
      });
    });
  });

  describe("KV", () => {
    beforeEach(async () => {
      await storage.kv.createNamespace("acme", "cache", T);
    });

    const NOW = T;
    const SECONDS = Math.floor(T / 1000);

    it("creates, lists and deletes namespaces", async () => {
      await storage.kv.createNamespace("acme", "a-first", T);
      expect(await storage.kv.listNamespaces("acme")).toEqual(["a-first", "cache"]);
      expect(await storage.kv.listNamespaces("other")).toEqual([]);
      await expect(storage.kv.createNamespace("acme", "cache", T)).rejects.toMatchObject({
        code: "CONFLICT",
      });
      await expect(storage.kv.createNamespace("acme", "Bad Name", T)).rejects.toMatchObject({
        code: "INVALID_NAME",
      });
      await expect(storage.kv.createNamespace("nobody", "x", T)).rejects.toMatchObject({
        code: "TENANT_NOT_FOUND",
      });
      await storage.kv.put("acme", "cache", "k", bytes("v"), {}, NOW);
      await storage.kv.deleteNamespace("acme", "cache");
      await expect(storage.kv.deleteNamespace("acme", "cache")).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(storage.kv.get("acme", "cache", "k", NOW)).rejects.toMatchObject({ code: "NOT_FOUND" });
      await storage.kv.createNamespace("acme", "cache", T);
      expect(await storage.kv.get("acme", "cache", "k", NOW)).toBeUndefined();
    });

    it("stores bytes with metadata, replaces and deletes them", async () => {
      const value = Uint8Array.from({ length: 256 }, (_, i) => i);
      await storage.kv.put("acme", "cache", "bin", value, { metadata: { type: "raw", n: [1, 2] } }, NOW);
      expect(await storage.kv.get("acme", "cache", "bin", NOW)).toEqual({
        key: "bin",
        value,
        metadata: { type: "raw", n: [1, 2] },
        expiration: null,
      });
      await storage.kv.put("acme", "cache", "bin", bytes("v2"), {}, NOW);
      expect(await storage.kv.get("acme", "cache", "bin", NOW)).toEqual({
        key: "bin",
        value: bytes("v2"),
        metadata: null,
        expiration: null,
      });
      await storage.kv.delete("acme", "cache", "bin");
      await storage.kv.delete("acme", "cache", "bin");
      expect(await storage.kv.get("acme", "cache", "bin", NOW)).toBeUndefined();
      await storage.kv.put("acme", "cache", "a\u0000b", bytes("nul"), {}, NOW);
      expect(await storage.kv.get("acme", "cache", "a", NOW)).toBeUndefined();
      expect((await storage.kv.get("acme", "cache", "a\u0000b", NOW))?.value).toEqual(bytes("nul"));
    });

    it("hides an entry once it expires, and refuses an expiry in the past", async () => {
      await storage.kv.put("acme", "cache", "short", bytes("v"), { expiration: SECONDS + 60 }, NOW);
      await storage.kv.put("acme", "cache", "long", bytes("v"), { expiration: SECONDS + 3600 }, NOW);
      expect((await storage.kv.get("acme", "cache", "short", NOW))?.expiration).toBe(SECONDS + 60);
      expect(await storage.kv.get("acme", "cache", "short", (SECONDS + 60) * 1000 - 1)).toBeDefined();
      const later = (SECONDS + 60) * 1000;
      expect(await storage.kv.get("acme", "cache", "short", later)).toBeUndefined();
      const listed = await storage.kv.list("acme", "cache", {}, later);
      expect(listed.keys).toEqual([{ name: "long", expiration: SECONDS + 3600, metadata: null }]);
      // Still gone when asked with an earlier clock: it was pruned when found expired.
      expect(await storage.kv.get("acme", "cache", "short", NOW)).toBeUndefined();
      for (const expiration of [SECONDS, SECONDS - 100, Number.NaN]) {
        await expect(
          storage.kv.put("acme", "cache", "k", bytes("v"), { expiration }, NOW),
        ).rejects.toMatchObject({ code: "INVALID_REQUEST" });
      }
      await storage.kv.put("acme", "cache", "soon", bytes("v"), { expiration: SECONDS + 1 }, NOW);
      expect((await storage.kv.get("acme", "cache", "soon", NOW))?.expiration).toBe(SECONDS + 1);
    });

    it("limits keys to 512 bytes, values to 25 MiB and metadata to 1 KB", async () => {
      await storage.kv.put("acme", "cache", "k".repeat(512), bytes("v"), {}, NOW);
      await expect(
        storage.kv.put("acme", "cache", "k".repeat(513), bytes("v"), {}, NOW),
      ).rejects.toMatchObject({
        code: "INVALID_REQUEST",
      });
      await expect(storage.kv.put("acme", "cache", "", bytes("v"), {}, NOW)).rejects.toMatchObject({
        code: "INVALID_REQUEST",
      });
      await expect(
        storage.kv.put("acme", "cache", "big", new Uint8Array(25 * 1024 * 1024 + 1), {}, NOW),
      ).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
      await expect(
        storage.kv.put("acme", "cache", "meta", bytes("v"), { metadata: "m".repeat(1100) }, NOW),
      ).rejects.toMatchObject({ code: "INVALID_REQUEST" });
      expect((await storage.kv.list("acme", "cache", {}, NOW)).keys.map((k) => k.name)).toEqual([
        "k".repeat(512),
      ]);
    });

    it("lists keys sorted, by prefix, a page at a time with an opaque cursor", async () => {
      const names = ["user:1", "user:10", "user:2", "user%x", "admin", "user:3"];
      for (const name of names)
        await storage.kv.put("acme", "cache", name, bytes(name), { metadata: name }, NOW);
      const all = await storage.kv.list("acme", "cache", {}, NOW);
      expect(all).toEqual({
        keys: [...names].sort(byUtf8).map((name) => ({ name, expiration: null, metadata: name })),
        complete: true,
      });
      const pages: string[][] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await storage.kv.list(
          "acme",
          "cache",
          { prefix: "user:", limit: 2, ...(cursor === undefined ? {} : { cursor }) },
          NOW,
        );
        pages.push(page.keys.map((k) => k.name));
        if (page.complete) {
          expect(page.cursor).toBeUndefined();
          break;
        }
        expect(page.cursor).toEqual(expect.any(String));
        cursor = page.cursor;
      }
      expect(pages).toEqual([
        ["user:1", "user:10"],
        ["user:2", "user:3"],
      ]);
      await expect(storage.kv.list("acme", "cache", { cursor: "not a cursor!" }, NOW)).rejects.toMatchObject({
        code: "INVALID_REQUEST",
      });
    });

    it("answers at most 1000 keys a page", async () => {
      for (let i = 0; i < 1001; i += 1)
        await storage.kv.put("acme", "cache", `k${String(i).padStart(4, "0")}`, bytes("v"), {}, NOW);
      const first = await storage.kv.list("acme", "cache", { limit: 5000 }, NOW);
      expect(first.keys).toHaveLength(1000);
      expect(first.complete).toBe(false);
      const rest = await storage.kv.list("acme", "cache", { cursor: first.cursor as string }, NOW);
      expect(rest).toEqual({ keys: [{ name: "k1000", expiration: null, metadata: null }], complete: true });
    });

    it("keeps tenants' namespaces apart", async () => {
      await storage.kv.createNamespace("other", "cache", T);
      await storage.kv.put("acme", "cache", "secret", bytes("acme"), {}, NOW);
      expect(await storage.kv.get("other", "cache", "secret", NOW)).toBeUndefined();
      expect((await storage.kv.list("other", "cache", {}, NOW)).keys).toEqual([]);
      await storage.kv.deleteNamespace("other", "cache");
      expect((await storage.kv.get("acme", "cache", "secret", NOW))?.value).toEqual(bytes("acme"));
      await expect(storage.kv.get("other", "cache", "secret", NOW)).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
    });
  });

  describe("S3 credentials", () => {
    it("creates AWS-shaped keys and resolves them to their tenant and secret", async () => {
      const created = await storage.s3Credentials.create("acme", T);
      expect(created.accessKeyId).toMatch(/^SKIFF[A-Z0-9]{16}$/);
      expect(created.secretAccessKey).toMatch(/^[A-Za-z0-9+/]{40}$/);
      const second = await storage.s3Credentials.create("acme", T + 1);
      expect(second.accessKeyId).not.toBe(created.accessKeyId);
      expect(second.secretAccessKey).not.toBe(created.secretAccessKey);
      expect(await storage.s3Credentials.resolve(created.accessKeyId)).toEqual({
        tenant: "acme",
        secretAccessKey: created.secretAccessKey,
      });
      expect(await storage.s3Credentials.list("acme")).toEqual([
        { accessKeyId: created.accessKeyId, tenant: "acme", createdAt: T },
        { accessKeyId: second.accessKeyId, tenant: "acme", createdAt: T + 1 },
      ]);
      expect(await storage.s3Credentials.list("other")).toEqual([]);
      expect(await storage.s3Credentials.resolve("SKIFFAAAAAAAAAAAAAAAA")).toBeUndefined();
      expect(await storage.s3Credentials.resolve("")).toBeUndefined();
      await expect(storage.s3Credentials.create("nobody", T)).rejects.toMatchObject({
        code: "TENANT_NOT_FOUND",
      });
    });

    it("revokes a key for its own tenant only", async () => {
      const { accessKeyId } = await storage.s3Credentials.create("acme", T);
      await expect(storage.s3Credentials.revoke("other", accessKeyId)).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      expect(await storage.s3Credentials.resolve(accessKeyId)).toBeDefined();
      await storage.s3Credentials.revoke("acme", accessKeyId);
      await storage.s3Credentials.revoke("acme", accessKeyId);
      expect(await storage.s3Credentials.resolve(accessKeyId)).toBeUndefined();
      expect(await storage.s3Credentials.list("acme")).toEqual([]);
      await expect(storage.s3Credentials.revoke("acme", "SKIFFNOPE")).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
    });
  });
}
