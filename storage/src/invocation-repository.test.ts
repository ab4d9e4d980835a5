import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveFunctionConfig } from "@skiff/core";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { migrate } from "./migrate.js";
import { MIGRATIONS } from "./migrations/index.js";
import { openStorage, type SqliteStorage } from "./sqlite-storage.js";
import { invocationRecord } from "./storage.case.js";

describe("SqliteInvocationRepository", () => {
  let root: string;
  let storage: SqliteStorage;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "skiff-invocations-"));
    storage = await openStorage({ dataDir: root });
    await storage.tenants.create("acme");
    for (const name of ["hello", "other"]) {
      await storage.functions.deploy("acme", name, {
        code: new TextEncoder().encode(name),
        config: resolveFunctionConfig(),
      });
    }
  });

  afterEach(async () => {
    await storage.close();
    await rm(root, { recursive: true, force: true });
  });

  it("stores logs and error as JSON columns and cold as 0/1", async () => {
    await storage.invocations.insertMany([
      invocationRecord({
        cold: true,
        error: { name: "Error", message: "boom", line: 4 },
        logs: [{ level: "warn", message: "careful", ts: 7 }],
      }),
      invocationRecord({ cold: false }),
    ]);
    const rows = storage.db
      .prepare(`SELECT cold, json_extract(error, '$.message') AS error, json_extract(logs, '$[0].message') AS log,
                json_array_length(logs) AS lines FROM invocations ORDER BY seq`)
      .all();
    expect(rows).toEqual([
      { cold: 1, error: "boom", log: "careful", lines: 1 },
      { cold: 0, error: null, log: null, lines: 0 },
    ]);
  });

  it("writes a batch in one transaction: a bad record stores none of it", async () => {
    const good = invocationRecord();
    const bad = invocationRecord({ status: "oops" as unknown as number });
    await expect(storage.invocations.insertMany([good, bad])).rejects.toThrow(/cannot store TEXT value/);
    expect(storage.db.prepare("SELECT count(*) FROM invocations").pluck().get()).toBe(0);
  });

  it("prunes every function separately and reports how many rows it removed", async () => {
    await storage.invocations.insertMany([
      ...Array.from({ length: 10 }, (_, i) => invocationRecord({ startedAt: 100 + i })),
      ...Array.from({ length: 4 }, (_, i) => invocationRecord({ functionName: "other", startedAt: i })),
    ]);
    expect(await storage.invocations.prune(4)).toBe(6);
    expect(
      storage.db
        .prepare(`SELECT f.name, count(*) AS n, min(i.started_at) AS oldest FROM invocations i
                  JOIN functions f ON f.id = i.function_id GROUP BY f.name ORDER BY f.name`)
        .all(),
    ).toEqual([
      { name: "hello", n: 4, oldest: 106 },
      { name: "other", n: 4, oldest: 0 },
    ]);
  });

  it("keeps peak heap and the parent invocation, and leaves them out when unknown", async () => {
    const child = invocationRecord({ peakHeapBytes: 5_242_880, parentInvocationId: "parent-1" });
    const plain = invocationRecord();
    await storage.invocations.insertMany([child, plain]);
    expect(await storage.invocations.get("acme", "hello", child.id)).toEqual(child);
    const stored = await storage.invocations.get("acme", "hello", plain.id);
    expect(stored).toEqual(plain);
    expect(stored).not.toHaveProperty("peakHeapBytes");
    expect(stored).not.toHaveProperty("parentInvocationId");
  });

  it("lists each record as it was stored, with its names, logs and error, and only its function's", async () => {
    const quiet = invocationRecord({ startedAt: 3, cold: true, logs: [] });
    const noisy = invocationRecord({
      startedAt: 2,
      outcome: "exception",
      status: 500,
      error: { name: "TypeError", message: "boom" },
      logs: [{ level: "warn", message: "careful", ts: 7 }],
      droppedLogLines: 2,
      peakHeapBytes: 1_048_576,
      parentInvocationId: "parent-1",
    });
    const elsewhere = invocationRecord({ functionName: "other", startedAt: 1 });
    await storage.invocations.insertMany([quiet, noisy, elsewhere]);
    expect(await storage.invocations.list("acme", "hello")).toEqual([quiet, noisy]);
    expect(await storage.invocations.list("acme", "other")).toEqual([elsewhere]);
  });

  it("gets a record only through its own function", async () => {
    const record = invocationRecord();
    await storage.invocations.insertMany([record]);
    expect(await storage.invocations.get("acme", "other", record.id)).toBeUndefined();
    expect(await storage.invocations.get("acme", "hello", "no-such-id")).toBeUndefined();
    await expect(storage.invocations.get("acme", "nope", record.id)).rejects.toMatchObject({
      code: "FUNCTION_NOT_FOUND",
    });
    await expect(storage.invocations.get("ghost", "hello", record.id)).rejects.toMatchObject({
      code: "TENANT_NOT_FOUND",
    });
  });

  describe("list filters", () => {
    const line = (level: "debug" | "info" | "log" | "warn" | "error") => ({ level, message: level, ts: 1 });
    const records = [
      invocationRecord({ id: "quiet", startedAt: 100, logs: [] }),
      invocationRecord({ id: "debugging", startedAt: 200, logs: [line("debug")] }),
      invocationRecord({ id: "chatty", startedAt: 300, logs: [line("debug"), line("log")] }),
      invocationRecord({
        id: "warned",
        startedAt: 400,
        logs: [line("info"), line("warn")],
        outcome: "timeout",
      }),
      invocationRecord({
        id: "failed",
        startedAt: 500,
        logs: [line("error")],
        outcome: "exception",
        status: 500,
      }),
    ];
    const ids = (list: Array<{ id: string }>) => list.map((r) => r.id);

    beforeEach(async () => {
      await storage.invocations.insertMany(records);
    });

    it("lists everything newest first without filters", async () => {
      expect(ids(await storage.invocations.list("acme", "hello"))).toEqual([
        "failed",
        "warned",
        "chatty",
        "debugging",
        "quiet",
      ]);
    });

    it("keeps records started at or after since", async () => {
      expect(ids(await storage.invocations.list("acme", "hello", { since: 300 }))).toEqual([
        "failed",
        "warned",
        "chatty",
      ]);
    });

    it("keeps records with one of the outcomes; an empty list matches none", async () => {
      expect(
        ids(await storage.invocations.list("acme", "hello", { outcomes: ["exception", "timeout"] })),
      ).toEqual(["failed", "warned"]);
      expect(await storage.invocations.list("acme", "hello", { outcomes: [] })).toEqual([]);
    });

    it("keeps records with a line at the level or worse, info and log ranking the same", async () => {
      expect(ids(await storage.invocations.list("acme", "hello", { minLevel: "warn" }))).toEqual([
        "failed",
        "warned",
      ]);
      expect(ids(await storage.invocations.list("acme", "hello", { minLevel: "info" }))).toEqual([
        "failed",
        "warned",
        "chatty",
      ]);
      expect(ids(await storage.invocations.list("acme", "hello", { minLevel: "debug" }))).toEqual([
        "failed",
        "warned",
        "chatty",
        "debugging",
      ]);
    });

    it("combines filters and the limit", async () => {
      expect(
        ids(
          await storage.invocations.list("acme", "hello", {
            since: 250,
            minLevel: "log",
            outcomes: ["ok", "timeout"],
            limit: 1,
          }),
        ),
      ).toEqual(["warned"]);
    });
  });
});

describe("migration 010 (invocation observability)", () => {
  it("ranks the log lines of records stored before it", () => {
    const db = new Database(":memory:");
    try {
      migrate(db, MIGRATIONS.slice(0, 9), () => 1);
      db.exec(`
        INSERT INTO tenants (id, name, created_at) VALUES (1, 'acme', 0);
        INSERT INTO functions (id, tenant_id, name, active_version, created_at, updated_at)
          VALUES (1, 1, 'hello', NULL, 0, 0);`);
      const insert =
        db.prepare(`INSERT INTO invocations (id, function_id, version, trigger, started_at, outcome,
        status, cold, cpu_ms, wall_ms, error, logs, dropped_log_lines) VALUES (?, 1, 1, 'http', 0, 'ok', 200, 0, 1, 1,
        NULL, ?, 0)`);
      insert.run("none", "[]");
      insert.run("logged", JSON.stringify([{ level: "log", message: "a", ts: 1 }]));
      insert.run(
        "worst-last",
        JSON.stringify([
          { level: "debug", message: "a", ts: 1 },
          { level: "error", message: "b", ts: 2 },
        ]),
      );
      migrate(db, MIGRATIONS, () => 2);
      expect(
        db.prepare("SELECT id, max_log_severity, peak_heap_bytes FROM invocations ORDER BY seq").all(),
      ).toEqual([
        { id: "none", max_log_severity: 0, peak_heap_bytes: null },
        { id: "logged", max_log_severity: 20, peak_heap_bytes: null },
        { id: "worst-last", max_log_severity: 40, peak_heap_bytes: null },
      ]);
    } finally {
      db.close();
    }
  });
});
