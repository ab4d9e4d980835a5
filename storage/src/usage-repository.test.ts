import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "./database.js";
import { migrate } from "./migrate.js";
import { MIGRATIONS } from "./migrations/index.js";
import { openStorage, type SqliteStorage } from "./sqlite-storage.js";

const T = 1_700_000_000_000;
const ctx = (action: "PutObject" | "DeleteObject" | "CopyObject" = "PutObject") => ({ now: T, action });
const md5 = (bytes: Uint8Array) => createHash("md5").update(bytes).digest("hex");

/** The bytes a tenant holds, summed the slow way over every row: what the kept figure must always equal. */
function recount(storage: SqliteStorage, tenant: string): number {
  const row = storage.db
    .prepare<[string, string], { bytes: number }>(`
      SELECT
        (SELECT coalesce(sum(o.size), 0) FROM buckets b JOIN objects o ON o.bucket_id = b.id
          JOIN tenants t ON t.id = b.tenant_id WHERE t.name = ?) +
        (SELECT coalesce(sum(length(e.value)), 0) FROM kv_namespaces n JOIN kv_entries e ON e.namespace_id = n.id
          JOIN tenants t ON t.id = n.tenant_id WHERE t.name = ?) AS bytes`)
    .get(tenant, tenant);
  return row?.bytes ?? -1;
}

describe("stored bytes kept by triggers (SQLite)", () => {
  let root: string;
  let storage: SqliteStorage;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "skiff-usage-"));
    storage = await openStorage({ dataDir: root, now: () => T });
    await storage.tenants.create("acme");
    await storage.tenants.create("other");
  });

  afterEach(async () => {
    await storage.close();
    await rm(root, { recursive: true, force: true });
  });

  const expectExact = async (tenant: string, bytes: number) => {
    expect(await storage.usage.storedBytes(tenant)).toBe(bytes);
    expect(recount(storage, tenant)).toBe(bytes);
  };

  it("stays equal to a recount through puts, overwrites, copies, multipart, deletes and cascades", async () => {
    const put = (bucket: string, key: string, size: number) =>
      storage.objects.put("acme", bucket, key, { body: new Uint8Array(size), maxBytes: 1 << 20 }, ctx());
    await storage.buckets.create("acme", "first", T);
    await storage.buckets.create("acme", "second", T);
    await put("first", "a", 100);
    await put("first", "b", 50);
    await put("second", "c", 7);
    await expectExact("acme", 157);
    await put("first", "a", 30);
    await expectExact("acme", 87);
    await storage.objects.copy("acme", { bucket: "first", key: "a" }, { bucket: "second", key: "d" }, ctx());
    await expectExact("acme", 117);

    const upload = await storage.multipart.create("acme", "second", "joined", {}, T);
    const part = new Uint8Array(600);
    await storage.multipart.uploadPart("acme", "second", upload.uploadId, 1, part, 1000);
    await storage.multipart.uploadPart("acme", "second", upload.uploadId, 2, part, 1000);
    // Parts of an unfinished upload are not the tenant's objects yet.
    await expectExact("acme", 117);
    await storage.multipart.complete(
      "acme",
      "second",
      upload.uploadId,
      [1, 2].map((partNumber) => ({ partNumber, etag: md5(part) })),
      ctx(),
    );
    await expectExact("acme", 1317);

    await storage.objects.delete("acme", "first", "b", ctx("DeleteObject"));
    await expectExact("acme", 1267);
    await storage.buckets.delete("acme", "second", { force: true });
    await expectExact("acme", 30);

    await storage.kv.createNamespace("acme", "cache", T);
    await storage.kv.createNamespace("acme", "more", T);
    await storage.kv.put("acme", "cache", "k", new Uint8Array(300), {}, T);
    await storage.kv.put("acme", "cache", "k", new Uint8Array(200), { metadata: { a: 1 } }, T);
    await storage.kv.put("acme", "more", "x", new Uint8Array(5), {}, T);
    await expectExact("acme", 235);
    await storage.kv.delete("acme", "more", "x");
    await expectExact("acme", 230);
    await storage.kv.put("acme", "more", "y", new Uint8Array(1000), {}, T);
    await storage.kv.deleteNamespace("acme", "more");
    await expectExact("acme", 230);

    await expectExact("other", 0);
  });

  it("is counted from the rows already stored when the migration runs on an older database", async () => {
    await storage.close();
    const dataDir = join(root, "old");
    const db = openDatabase(join(root, "old.db"));
    migrate(db, MIGRATIONS.slice(0, 7), () => T);
    db.exec(`
      INSERT INTO tenants (id, name, created_at) VALUES (1, 'acme', 0), (2, 'other', 0);
      INSERT INTO buckets (id, tenant_id, name, created_at) VALUES (1, 1, 'uploads', 0), (2, 2, 'uploads', 0);
      INSERT INTO objects (bucket_id, key, size, etag, sha256, metadata, last_modified)
        VALUES (1, 'a', 40, 'e', '${"a".repeat(64)}', '{}', 0), (2, 'a', 9, 'e', '${"a".repeat(64)}', '{}', 0);
      INSERT INTO kv_namespaces (id, tenant_id, name, created_at) VALUES (1, 1, 'cache', 0);
      INSERT INTO kv_entries (namespace_id, key, value) VALUES (1, 'k', zeroblob(2));`);
    migrate(db, MIGRATIONS, () => T);
    const bytes = db
      .prepare<[], { tenant_id: number; stored_bytes: number }>(
        "SELECT tenant_id, stored_bytes FROM tenant_usage ORDER BY tenant_id",
      )
      .all();
    db.close();
    expect(bytes).toEqual([
      { tenant_id: 1, stored_bytes: 42 },
      { tenant_id: 2, stored_bytes: 9 },
    ]);
    storage = await openStorage({ dataDir, now: () => T });
  });
});
