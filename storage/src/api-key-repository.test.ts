import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256Hex } from "@skiff/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStorage, type SqliteStorage } from "./sqlite-storage.js";

describe("SqliteApiKeyRepository", () => {
  let root: string;
  let storage: SqliteStorage;
  let t: number;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "skiff-keys-"));
    t = 5_000;
    storage = await openStorage({ dataDir: root, now: () => t });
    await storage.tenants.create("acme");
  });

  afterEach(async () => {
    await storage.close();
    await rm(root, { recursive: true, force: true });
  });

  it("stores only the key's SHA-256 hex and a short prefix", async () => {
    const { key, record } = await storage.apiKeys.create("acme", "deploy");
    const rows = storage.db.prepare("SELECT * FROM api_keys").all();
    expect(rows).toEqual([
      {
        id: record.id,
        tenant_id: record.tenantId,
        key_hash: sha256Hex(key),
        prefix: key.slice(0, 11),
        role: "deploy",
        created_at: 5_000,
        last_used_at: null,
        revoked_at: null,
      },
    ]);
  });

  it("never writes the clear key to any file in the data dir", async () => {
    const { key } = await storage.apiKeys.create("acme", "admin");
    await storage.close();
    const secret = key.slice(11);
    for (const name of await readdir(root)) {
      if (!name.startsWith("skiff.db")) continue;
      expect((await readFile(join(root, name))).includes(secret)).toBe(false);
    }
  });

  it("stamps revocation with the clock once, keeping the first time", async () => {
    const { key, record } = await storage.apiKeys.create("acme", "admin");
    t = 6_000;
    await storage.apiKeys.revoke("acme", record.id);
    t = 7_000;
    await storage.apiKeys.revoke("acme", record.id);
    expect(storage.db.prepare("SELECT revoked_at FROM api_keys").pluck().get()).toBe(6_000);
    expect(await storage.apiKeys.findByHash(sha256Hex(key))).toBeUndefined();
  });

  it("goes away with its tenant (ON DELETE CASCADE)", async () => {
    await storage.apiKeys.create("acme", "admin");
    storage.db.prepare("DELETE FROM tenants WHERE name = 'acme'").run();
    expect(storage.db.prepare("SELECT count(*) FROM api_keys").pluck().get()).toBe(0);
  });
});
