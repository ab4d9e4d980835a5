import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveFunctionConfig } from "@skiff/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
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
});
