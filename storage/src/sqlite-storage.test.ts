import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveFunctionConfig, sha256Hex } from "@skiff/core";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "./database.js";
import { appliedVersions, migrate } from "./migrate.js";
import { MIGRATIONS } from "./migrations/index.js";
import { openStorage } from "./sqlite-storage.js";
import { runStorageConformance } from "./storage.case.js";
import type { Storage } from "./types.js";

const conformanceDirs: string[] = [];
const dataDirOf = new WeakMap<Storage, string>();

runStorageConformance(
  "sqlite",
  async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "skiff-storage-"));
    conformanceDirs.push(dataDir);
    const storage = await openStorage({ dataDir });
    dataDirOf.set(storage, dataDir);
    return storage;
  },
  // A second connection to the same file, as a second `skiff serve` sharing the data dir would open.
  async (storage) => openStorage({ dataDir: dataDirOf.get(storage) as string }),
);

afterAll(async () => {
  await Promise.all(conformanceDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("openStorage", () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "skiff-storage-"));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("creates a private data dir with the database, in WAL mode with foreign keys on", async () => {
    const dataDir = join(root, "nested", ".skiff");
    const storage = await openStorage({ dataDir });
    try {
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
      expect((await stat(join(dataDir, "skiff.db"))).isFile()).toBe(true);
      expect(storage.db.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(storage.db.pragma("foreign_keys", { simple: true })).toBe(1);
      expect(storage.db.pragma("busy_timeout", { simple: true })).toBe(5000);
      expect(appliedVersions(storage.db)).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      await storage.close();
    }
  });

  it("makes every table STRICT", async () => {
    const storage = await openStorage({ dataDir: root });
    try {
      const tables = storage.db
        .prepare<[], { name: string; strict: number }>(
          "SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%'",
        )
        .all();
      expect(tables.map((t) => t.name).sort()).toEqual([
        "api_keys",
        "buckets",
        "dead_letters",
        "delivered_keys",
        "events",
        "function_quarantines",
        "function_usage",
        "functions",
        "invocations",
        "kv_entries",
        "kv_namespaces",
        "multipart_parts",
        "multipart_uploads",
        "objects",
        "queue_consumers",
        "queue_deduplication",
        "queue_messages",
        "queues",
        "s3_credentials",
        "schema_migrations",
        "secrets",
        "tenant_quotas",
        "tenant_usage",
        "tenants",
        "topic_subscriptions",
        "topics",
        "trigger_runs",
        "versions",
        "webhook_deliveries",
        "webhook_endpoints",
      ]);
      expect(tables.every((t) => t.strict === 1)).toBe(true);
      expect(() =>
        storage.db.prepare("INSERT INTO tenants (name, created_at) VALUES ('x', 'not a number')").run(),
      ).toThrow(/cannot store TEXT value in INTEGER column/);
    } finally {
      await storage.close();
    }
  });

  it("keeps everything across close and reopen, applying no migration twice", async () => {
    let t = 1_000;
    const first = await openStorage({ dataDir: root, now: () => t });
    await first.tenants.create("acme");
    const { key } = await first.apiKeys.create("acme", "admin");
    const deployed = await first.functions.deploy("acme", "hello", {
      code: new TextEncoder().encode("export default {}"),
      config: resolveFunctionConfig({ vars: { A: "1" } }),
    });
    const migratedAt = first.db.prepare("SELECT version, applied_at FROM schema_migrations").all();
    await first.close();
    await first.close();

    t = 2_000;
    const second = await openStorage({ dataDir: root, now: () => t });
    try {
      expect(second.db.prepare("SELECT version, applied_at FROM schema_migrations").all()).toEqual(
        migratedAt,
      );
      expect(await second.tenants.get("acme")).toMatchObject({ name: "acme", createdAt: 1_000 });
      expect((await second.apiKeys.findByHash(sha256Hex(key)))?.tenantName).toBe("acme");
      expect(await second.functions.listActive()).toEqual([
        { tenant: "acme", functionName: "hello", version: deployed.version, secrets: {} },
      ]);
      const v2 = await second.functions.deploy("acme", "hello", {
        code: new TextEncoder().encode("export default { v: 2 }"),
        config: resolveFunctionConfig(),
      });
      expect(v2.version).toMatchObject({ number: 2, createdAt: 2_000 });
    } finally {
      await second.close();
    }
  });

  it("reads versions written before newer fields existed, filling their defaults", async () => {
    const old = openDatabase(join(root, "skiff.db"));
    migrate(old, MIGRATIONS.slice(0, 1), () => 1);
    old.exec(`
      BEGIN;
      INSERT INTO tenants (id, name, created_at) VALUES (1, 'acme', 1);
      INSERT INTO functions (id, tenant_id, name, active_version, created_at, updated_at)
        VALUES (1, 1, 'hello', 1, 1, 1);
      INSERT INTO versions (id, function_id, number, code_hash, code_size, config, created_at)
        VALUES ('v-1', 1, 1, '${"a".repeat(64)}', 42,
                '{"memoryMb":64,"cpuMs":100,"timeoutMs":1000,"concurrency":2,"vars":{"A":"1"}}', 1);
      COMMIT;
    `);
    old.close();

    const storage = await openStorage({ dataDir: root });
    try {
      expect(appliedVersions(storage.db)).toEqual(MIGRATIONS.map((m) => m.version));
      const [active] = await storage.functions.listActive();
      expect(active?.version).toEqual({
        id: "v-1",
        functionId: 1,
        number: 1,
        codeHash: "a".repeat(64),
        codeSize: 42,
        main: "index.js",
        modules: [{ path: "index.js", type: "esm", size: 42 }],
        config: {
          memoryMb: 64,
          cpuMs: 100,
          timeoutMs: 1000,
          concurrency: 2,
          vars: { A: "1" },
          allowedHosts: [],
          triggers: { crons: [] },
          async: { maxAttempts: 3, maxEventAgeSeconds: 21_600, minBackoffMs: 60_000 },
          bindings: [],
        },
        createdAt: 1,
      });
      expect(active?.secrets).toEqual({});
    } finally {
      await storage.close();
    }
  });

  it("writes no blob for a refused deploy, and only the final blob file for a good one", async () => {
    const storage = await openStorage({ dataDir: root });
    try {
      const input = { code: new Uint8Array([1, 2, 3]), config: resolveFunctionConfig() };
      await expect(storage.functions.deploy("nobody", "hello", input)).rejects.toMatchObject({
        code: "TENANT_NOT_FOUND",
      });
      expect(await readdir(join(root, "blobs"))).toEqual([]);

      await storage.tenants.create("acme");
      const { version } = await storage.functions.deploy("acme", "hello", input);
      const hash = version.codeHash;
      expect(await readdir(join(root, "blobs"))).toEqual([hash.slice(0, 2)]);
      expect(await readdir(join(root, "blobs", hash.slice(0, 2)))).toEqual([hash]);
    } finally {
      await storage.close();
    }
  });
});
