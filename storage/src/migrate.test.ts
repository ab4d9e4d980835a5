import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "./database.js";
import { appliedVersions, type Migration, migrate } from "./migrate.js";

const one: Migration = {
  version: 1,
  name: "notes",
  sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT;",
};
const two: Migration = {
  version: 2,
  name: "tags",
  sql: "CREATE TABLE tags (name TEXT PRIMARY KEY) STRICT; INSERT INTO tags VALUES ('first');",
};

describe("migrate", () => {
  let root: string;
  let path: string;
  let db: Database;
  const now = () => 42;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "skiff-migrate-"));
    path = join(root, "test.db");
    db = openDatabase(path);
  });

  afterEach(async () => {
    if (db.open) db.close();
    await rm(root, { recursive: true, force: true });
  });

  const tables = () =>
    db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
      .all()
      .map((t) => t.name);

  it("applies every migration to a fresh database and records it", () => {
    expect(migrate(db, [one, two], now)).toEqual([1, 2]);
    expect(db.prepare("SELECT * FROM schema_migrations ORDER BY version").all()).toEqual([
      { version: 1, name: "notes", applied_at: 42 },
      { version: 2, name: "tags", applied_at: 42 },
    ]);
    expect(tables()).toEqual(["notes", "schema_migrations", "tags"]);
  });

  it("applies only new migrations to an existing database, keeping its data", () => {
    migrate(db, [one], now);
    db.prepare("INSERT INTO notes (body) VALUES ('kept')").run();
    db.close();

    db = openDatabase(path);
    expect(migrate(db, [one], now)).toEqual([]);
    expect(migrate(db, [one, two], now)).toEqual([2]);
    expect(db.prepare("SELECT body FROM notes").pluck().all()).toEqual(["kept"]);
    expect(appliedVersions(db)).toEqual([1, 2]);
  });

  it("rolls a failing migration back entirely and keeps the ones before it", () => {
    const broken: Migration = {
      version: 3,
      name: "broken",
      sql: "CREATE TABLE half (x INTEGER) STRICT; INSERT INTO notes (body) VALUES ('lost'); INSERT INTO nowhere VALUES (1);",
    };
    expect(() => migrate(db, [one, two, broken], now)).toThrow(
      expect.objectContaining({
        code: "INTERNAL_ERROR",
        message: expect.stringMatching(/migration 3 \(broken\).*nowhere/),
      }),
    );
    expect(appliedVersions(db)).toEqual([1, 2]);
    expect(tables()).not.toContain("half");
    expect(db.prepare("SELECT count(*) FROM notes").pluck().get()).toBe(0);
    expect(db.inTransaction).toBe(false);

    const fixed: Migration = { ...broken, sql: "CREATE TABLE half (x INTEGER) STRICT;" };
    expect(migrate(db, [one, two, fixed], now)).toEqual([3]);
    expect(tables()).toContain("half");
  });

  it("refuses a database migrated by a newer version of the code", () => {
    migrate(db, [one, two], now);
    expect(() => migrate(db, [one], now)).toThrow(
      expect.objectContaining({ code: "INTERNAL_ERROR", message: expect.stringMatching(/version 2/) }),
    );
  });

  it("refuses a migration list with a gap or out of order", () => {
    expect(() => migrate(db, [two], now)).toThrow(/expected 1/);
    expect(() => migrate(db, [one, { ...two, version: 3 }], now)).toThrow(/expected 2/);
    expect(tables()).toEqual([]);
  });
});
