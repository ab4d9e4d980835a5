import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveFunctionConfig } from "@skiff/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStorage, type SqliteStorage } from "./sqlite-storage.js";
import { SqliteTriggerRunRepository, TRIGGER_RUNS_KEPT } from "./trigger-run-repository.js";
import type { ClaimInput } from "./types.js";

const T = 1_700_000_000_000;
const MINUTE = 60_000;

function claim(overrides: Partial<ClaimInput> = {}): ClaimInput {
  return {
    tenant: "acme",
    functionName: "hello",
    triggerKey: "* * * * *|UTC",
    cron: "* * * * *",
    timezone: "UTC",
    scheduledTime: T,
    attempt: 1,
    version: 1,
    manual: false,
    ...overrides,
  };
}

describe("SqliteTriggerRunRepository", () => {
  let root: string;
  let storage: SqliteStorage;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "skiff-trigger-runs-"));
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

  it("keeps 1000 runs per function by default", () => {
    expect(TRIGGER_RUNS_KEPT).toBe(1000);
  });

  it("keeps only the newest runs of each function as new ones are claimed", async () => {
    const runs = new SqliteTriggerRunRepository(storage.db, 3);
    const ids: number[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await runs.claim(claim({ scheduledTime: T + i * MINUTE }), T)) as number);
    const other = await runs.claim(claim({ functionName: "other" }), T);
    // A claim that finds its row taken prunes nothing.
    expect(await runs.claim(claim({ scheduledTime: T + 4 * MINUTE }), T)).toBeUndefined();

    expect((await runs.list("acme", "hello")).map((run) => run.id)).toEqual(ids.slice(2).reverse());
    expect((await runs.list("acme", "other")).map((run) => run.id)).toEqual([other]);
    expect(await runs.lastScheduled("acme", "hello", claim().triggerKey)).toBe(T + 4 * MINUTE);
    expect(
      storage.db
        .prepare("SELECT count(*) AS n FROM trigger_runs GROUP BY function_id ORDER BY function_id")
        .all(),
    ).toEqual([{ n: 3 }, { n: 1 }]);
  });

  it("never gives a new run the id of a deleted one", async () => {
    const old = (await storage.triggerRuns.claim(claim({ functionName: "other" }), T)) as number;
    await storage.functions.delete("acme", "other");
    const next = (await storage.triggerRuns.claim(claim(), T)) as number;
    expect(next).toBeGreaterThan(old);
    // A late update through the deleted run's id touches nothing.
    await storage.triggerRuns.finish(old, "ok", T + 1);
    expect(await storage.triggerRuns.list("acme", "hello")).toMatchObject([
      { id: next, outcome: null, endedAt: null },
    ]);
  });

  it("stores manual as 0/1 and the claim time", async () => {
    await storage.triggerRuns.claim(claim({ manual: true }), T + 7);
    expect(storage.db.prepare("SELECT manual, claimed_at FROM trigger_runs").get()).toEqual({
      manual: 1,
      claimed_at: T + 7,
    });
  });

  it("refuses a retention below one run", () => {
    expect(() => new SqliteTriggerRunRepository(storage.db, 0)).toThrow(/retention/);
  });
});
