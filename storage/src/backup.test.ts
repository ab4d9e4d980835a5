import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveFunctionConfig } from "@skiff/core";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { backupCompanions, backupDatabase, checkIntegrity, DATABASE_FILE } from "./backup.js";
import { openStorage, type SqliteStorage } from "./sqlite-storage.js";

describe("backupDatabase", () => {
  let root: string;
  let dataDir: string;
  let storage: SqliteStorage;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "skiff-backup-"));
    dataDir = join(root, "data");
    storage = await openStorage({ dataDir });
    await storage.tenants.create("acme");
  });

  afterEach(async () => {
    await storage.close();
    await rm(root, { recursive: true, force: true });
  });

  const deploy = (name: string) =>
    storage.functions.deploy("acme", name, {
      code: new TextEncoder().encode("export default {}"),
      config: resolveFunctionConfig(),
    });

  it("copies the live database, WAL included, into one checked file", async () => {
    await deploy("hello");
    // Still in the WAL, not yet in skiff.db: the backup must see it anyway.
    expect(storage.db.pragma("journal_mode", { simple: true })).toBe("wal");
    const file = join(root, "copy.db");
    const result = await backupDatabase(join(dataDir, DATABASE_FILE), file);
    expect(result).toMatchObject({ file, integrity: "ok" });
    expect(result.pages).toBeGreaterThan(1);
    expect(result.bytes).toBe(result.pages * (storage.db.pragma("page_size", { simple: true }) as number));
    // A single self-contained file: no -wal or temp file beside it.
    expect((await readdir(root)).sort()).toEqual(["copy.db", "data"]);

    // Restore: the copy as the database of a new data dir, with the master key beside it.
    const restoredDir = join(root, "restored");
    await mkdir(restoredDir);
    await copyFile(file, join(restoredDir, DATABASE_FILE));
    await copyFile(join(dataDir, "master.key"), join(restoredDir, "master.key"));
    const restored = await openStorage({ dataDir: restoredDir });
    try {
      expect((await restored.functions.list("acme")).map((f) => f.name)).toEqual(["hello"]);
    } finally {
      await restored.close();
    }
  });

  it("takes one consistent snapshot while the same database is written through another connection", async () => {
    for (let i = 0; i < 20; i++) await deploy(`fn-${i}`);
    const file = join(root, "copy.db");
    const writing = (async () => {
      for (let i = 20; i < 60; i++) {
        await deploy(`fn-${i}`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const result = await backupDatabase(join(dataDir, DATABASE_FILE), file);
    await writing;
    expect(result.integrity).toBe("ok");
    const copy = new BetterSqlite3(file, { readonly: true });
    try {
      const functions = copy.prepare("SELECT count(*) FROM functions").pluck().get() as number;
      const versions = copy.prepare("SELECT count(*) FROM versions").pluck().get() as number;
      expect(functions).toBeGreaterThanOrEqual(20);
      expect(versions).toBe(functions);
    } finally {
      copy.close();
    }
    expect(checkIntegrity(file)).toBe("ok");
  });

  it("refuses to overwrite an existing file unless forced, and leaves it as it was", async () => {
    const file = join(root, "copy.db");
    await writeFile(file, "keep me");
    await expect(backupDatabase(join(dataDir, DATABASE_FILE), file)).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect(await readFile(file, "utf8")).toBe("keep me");
    expect((await readdir(root)).sort()).toEqual(["copy.db", "data"]);

    await backupDatabase(join(dataDir, DATABASE_FILE), file, { force: true });
    expect(checkIntegrity(file)).toBe("ok");
  });

  it("answers NOT_FOUND for a data dir without a database, creating nothing", async () => {
    await expect(
      backupDatabase(join(root, "nowhere", DATABASE_FILE), join(root, "x.db")),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await readdir(root)).sort()).toEqual(["data"]);
  });

  it("names what a restore needs besides the database", async () => {
    expect(await backupCompanions(dataDir)).toEqual([
      join(dataDir, "blobs"),
      join(dataDir, "objects"),
      join(dataDir, "master.key"),
    ]);
    expect(await backupCompanions(join(root, "nowhere"))).toEqual([]);
  });
});

describe("checkIntegrity", () => {
  it("reports a damaged file", async () => {
    const root = await mkdtemp(join(tmpdir(), "skiff-integrity-"));
    try {
      const file = join(root, "bad.db");
      const db = new BetterSqlite3(file);
      db.exec("CREATE TABLE t (x TEXT); CREATE INDEX t_x ON t (x);");
      const insert = db.prepare("INSERT INTO t VALUES (?)");
      db.transaction(() => {
        for (let i = 0; i < 2_000; i++) insert.run(`row ${i} ${"x".repeat(50)}`);
      })();
      db.close();
      // Overwrite the middle of the file: pages of the table and its index no longer agree.
      const bytes = await readFile(file);
      bytes.fill(0x41, Math.floor(bytes.length / 2), Math.floor(bytes.length / 2) + 4096);
      await writeFile(file, bytes);
      let result: string;
      try {
        result = checkIntegrity(file);
      } catch (error) {
        result = String((error as { code?: string }).code);
      }
      expect(result).not.toBe("ok");
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
