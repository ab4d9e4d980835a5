import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { isStorageUnavailable } from "./storage-failure.js";

const sqliteError = (code: string) => new BetterSqlite3.SqliteError("message", code);

describe("isStorageUnavailable", () => {
  it("recognises SQLite failing to store or read, in base and extended codes", () => {
    for (const code of [
      "SQLITE_FULL",
      "SQLITE_IOERR",
      "SQLITE_IOERR_WRITE",
      "SQLITE_IOERR_FSYNC",
      "SQLITE_READONLY",
      "SQLITE_READONLY_DBMOVED",
      "SQLITE_CORRUPT",
      "SQLITE_CORRUPT_INDEX",
      "SQLITE_NOTADB",
      "SQLITE_CANTOPEN",
      "SQLITE_BUSY",
      "SQLITE_BUSY_SNAPSHOT",
      "SQLITE_NOMEM",
    ]) {
      expect(isStorageUnavailable(sqliteError(code)), code).toBe(true);
    }
  });

  it("leaves constraint violations, misuse and non-SQLite errors alone", () => {
    for (const code of [
      "SQLITE_CONSTRAINT_UNIQUE",
      "SQLITE_ERROR",
      "SQLITE_MISUSE",
      "SQLITE_RANGE",
      "SQLITE_FULLX",
    ]) {
      expect(isStorageUnavailable(sqliteError(code)), code).toBe(false);
    }
    expect(isStorageUnavailable(Object.assign(new Error("disk full"), { code: "SQLITE_FULL" }))).toBe(false);
    expect(isStorageUnavailable(undefined)).toBe(false);
    expect(isStorageUnavailable("SQLITE_FULL")).toBe(false);
  });

  it("recognises a real disk-full error from a write", () => {
    const db = new BetterSqlite3(":memory:");
    try {
      db.exec("CREATE TABLE t (x TEXT); CREATE TABLE u (x INTEGER PRIMARY KEY)");
      db.pragma(`max_page_count = ${db.pragma("page_count", { simple: true })}`);
      let caught: unknown;
      try {
        db.prepare("INSERT INTO t VALUES (?)").run("x".repeat(100_000));
      } catch (error) {
        caught = error;
      }
      expect((caught as { code?: string }).code).toBe("SQLITE_FULL");
      expect(isStorageUnavailable(caught)).toBe(true);
      let constraint: unknown;
      try {
        db.exec("INSERT INTO u VALUES (1), (1)");
      } catch (error) {
        constraint = error;
      }
      expect(isStorageUnavailable(constraint)).toBe(false);
    } finally {
      db.close();
    }
  });
});
