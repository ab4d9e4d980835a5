import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Sqlite, { type Database } from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WriteBatch } from "./write-batch.js";

describe("WriteBatch", () => {
  let dir: string;
  let db: Database;
  let observer: Database;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "skiff-write-batch-"));
    db = new Sqlite(join(dir, "db.sqlite"));
    db.pragma("journal_mode = WAL");
    db.exec("CREATE TABLE rows (name TEXT PRIMARY KEY, n INTEGER NOT NULL)");
    // A second connection sees only committed rows.
    observer = new Sqlite(join(dir, "db.sqlite"), { readonly: true });
  });

  afterEach(async () => {
    observer.close();
    if (db.open) db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const committed = () => observer.prepare("SELECT name FROM rows ORDER BY name").pluck().all();

  it("commits the writes of one turn in one transaction and answers each caller", async () => {
    const insert = db.prepare("INSERT INTO rows (name, n) VALUES (?, ?)");
    const seenByOthers: unknown[][] = [];
    const batch = new WriteBatch(db, (name: string) => {
      seenByOthers.push(committed());
      return insert.run(name, 1).changes;
    });
    const answers = await Promise.all([batch.run("a"), batch.run("b"), batch.run("c")]);
    expect(answers).toEqual([1, 1, 1]);
    // While the batch ran, nothing of it was visible elsewhere: the three shared one uncommitted transaction.
    expect(seenByOthers).toEqual([[], [], []]);
    expect(committed()).toEqual(["a", "b", "c"]);
  });

  it("undoes only the write that threw, and rejects only its caller", async () => {
    const insert = db.prepare("INSERT INTO rows (name, n) VALUES (?, ?)");
    const batch = new WriteBatch(db, (name: string) => {
      insert.run(name, 1);
      if (name === "bad") throw new Error("refused");
      return name;
    });
    const results = await Promise.allSettled([batch.run("a"), batch.run("bad"), batch.run("c")]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ message: "refused" });
    expect(committed()).toEqual(["a", "c"]);
  });

  it("commits each other write exactly once when one write of the batch throws", async () => {
    db.exec("CREATE TABLE counter (n INTEGER NOT NULL); INSERT INTO counter VALUES (0)");
    const bump = db.prepare("UPDATE counter SET n = n + 1");
    const insert = db.prepare("INSERT INTO rows (name, n) VALUES (?, ?)");
    const batch = new WriteBatch(db, (name: string) => {
      bump.run();
      insert.run(name, 1);
      return name;
    });
    // "a" twice: the second insert breaks the primary key after its bump, which must be undone with it.
    const results = await Promise.allSettled([
      batch.run("a"),
      batch.run("b"),
      batch.run("a"),
      batch.run("c"),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(committed()).toEqual(["a", "b", "c"]);
    expect(db.prepare("SELECT n FROM counter").pluck().get()).toBe(3);
  });

  it("commits on flush before the database closes, and refuses writes after", async () => {
    const insert = db.prepare("INSERT INTO rows (name, n) VALUES (?, ?)");
    const batch = new WriteBatch(db, (name: string) => insert.run(name, 1).changes);
    const pending = batch.run("a");
    batch.flush();
    db.close();
    await expect(pending).resolves.toBe(1);
    expect(committed()).toEqual(["a"]);
    await expect(batch.run("b")).rejects.toThrow(/closed/);
  });
});
