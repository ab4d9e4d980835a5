// The SQLite specifics of secrets: what is on disk, what a swapped row or a wrong master key does.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveFunctionConfig } from "@skiff/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStorage, type SqliteStorage } from "./sqlite-storage.js";

const encoder = new TextEncoder();
const VALUE = "s3cr3t-v4lue-that-must-not-leak";

describe("SQLite secrets", () => {
  let root: string;
  let storage: SqliteStorage;
  let t: number;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "skiff-secrets-"));
    t = 1_000;
    storage = await openStorage({ dataDir: root, now: () => t });
    await storage.tenants.create("acme");
    await storage.functions.deploy("acme", "hello", {
      code: encoder.encode("h"),
      config: resolveFunctionConfig(),
    });
    await storage.functions.deploy("acme", "other", {
      code: encoder.encode("o"),
      config: resolveFunctionConfig(),
    });
  });

  afterEach(async () => {
    await storage.close();
    await rm(root, { recursive: true, force: true });
  });

  it("stamps created and updated times from the clock", async () => {
    expect((await storage.secrets.put("acme", "hello", "A", "1")).secret).toEqual({
      name: "A",
      createdAt: 1_000,
      updatedAt: 1_000,
    });
    t = 2_000;
    expect((await storage.secrets.put("acme", "hello", "A", "2")).secret).toEqual({
      name: "A",
      createdAt: 1_000,
      updatedAt: 2_000,
    });
    expect(await storage.secrets.list("acme", "hello")).toEqual([
      { name: "A", createdAt: 1_000, updatedAt: 2_000 },
    ]);
  });

  it("keeps only ciphertext in the database and its files", async () => {
    await storage.secrets.put("acme", "hello", "TOKEN", VALUE);
    const row = storage.db.prepare("SELECT * FROM secrets").get() as Record<string, unknown>;
    expect(Object.keys(row).sort()).toEqual(
      ["ciphertext", "created_at", "function_id", "id", "iv", "key_id", "name", "tag", "updated_at"].sort(),
    );
    expect((row.ciphertext as Buffer).includes(VALUE)).toBe(false);
    storage.db.pragma("wal_checkpoint(TRUNCATE)");
    for (const file of ["skiff.db", "skiff.db-wal"]) {
      const bytes = await readFile(join(root, file)).catch(() => Buffer.alloc(0));
      expect(bytes.includes(VALUE)).toBe(false);
    }
  });

  it("refuses to reveal a ciphertext copied onto another function's row", async () => {
    await storage.secrets.put("acme", "hello", "TOKEN", VALUE);
    await storage.secrets.put("acme", "other", "TOKEN", "other-value");
    storage.db
      .prepare(`UPDATE secrets SET (ciphertext, iv, tag) =
        (SELECT s.ciphertext, s.iv, s.tag FROM secrets s JOIN functions f ON f.id = s.function_id WHERE f.name = 'hello')
        WHERE function_id = (SELECT id FROM functions WHERE name = 'other')`)
      .run();
    await expect(storage.secrets.reveal("acme", "other")).rejects.toThrow(/failed its integrity check/);
    await expect(storage.functions.listActive()).rejects.toMatchObject({ code: "INTERNAL_ERROR" });
    expect(await storage.secrets.reveal("acme", "hello")).toEqual({ TOKEN: VALUE });
  });

  it("reveals secrets after a reopen with the same key file, and names a different master key", async () => {
    await storage.secrets.put("acme", "hello", "TOKEN", VALUE);
    await storage.close();

    storage = await openStorage({ dataDir: root });
    expect(await storage.secrets.reveal("acme", "hello")).toEqual({ TOKEN: VALUE });
    await storage.close();

    storage = await openStorage({ dataDir: root, masterKey: Buffer.alloc(32, 3).toString("base64") });
    await expect(storage.functions.listActive()).rejects.toThrow(/sealed with another master key/);
    // Names and times stay readable: only values need the key.
    expect((await storage.secrets.list("acme", "hello")).map((s) => s.name)).toEqual(["TOKEN"]);
  });

  it("seals with SKIFF_MASTER_KEY when given, and the key file can not open those rows", async () => {
    await storage.close();
    const masterKey = Buffer.alloc(32, 5).toString("hex");
    storage = await openStorage({ dataDir: root, masterKey });
    await storage.secrets.put("acme", "hello", "TOKEN", VALUE);
    await storage.close();

    storage = await openStorage({ dataDir: root, masterKey });
    expect(await storage.secrets.reveal("acme", "hello")).toEqual({ TOKEN: VALUE });
    await storage.close();

    storage = await openStorage({ dataDir: root });
    await expect(storage.secrets.reveal("acme", "hello")).rejects.toThrow(/another master key/);
  });

  it("refuses to open with a malformed SKIFF_MASTER_KEY", async () => {
    await expect(openStorage({ dataDir: root, masterKey: "not-a-key" })).rejects.toThrow(
      /SKIFF_MASTER_KEY is not a 32-byte key/,
    );
  });
});
