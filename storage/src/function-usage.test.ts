// Hourly usage rows (migration 011) kept in the transaction that stores invocation records.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveFunctionConfig } from "@skiff/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStorage, type SqliteStorage } from "./sqlite-storage.js";
import { invocationRecord } from "./storage.case.js";

const HOUR = 3_600_000;
const H0 = 1_700_002_800_000; // a whole UTC hour

describe("function usage (SQLite)", () => {
  let root: string;
  let storage: SqliteStorage;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "skiff-function-usage-"));
    storage = await openStorage({ dataDir: root });
    await storage.tenants.create("acme");
    await storage.tenants.create("other");
    const deploy = (tenant: string, name: string, memoryMb: number) =>
      storage.functions.deploy(tenant, name, {
        code: new TextEncoder().encode(`${name}${memoryMb}`),
        config: resolveFunctionConfig({ memoryMb }),
      });
    await deploy("acme", "hello", 256); // version 1: 256 MB
    await deploy("acme", "hello", 1024); // version 2: 1024 MB
    await deploy("acme", "other", 128);
    await deploy("other", "hello", 512);
  });

  afterEach(async () => {
    await storage.close();
    await rm(root, { recursive: true, force: true });
  });

  it("sums requests, errors, cold starts, CPU, wall, GB-s (each version's memory) and egress per function", async () => {
    await storage.invocations.insertMany([
      invocationRecord({
        version: 1,
        startedAt: H0 + 1,
        wallMs: 1000,
        cpuMs: 3,
        cold: true,
        egressBytes: 10,
      }),
      invocationRecord({ version: 2, startedAt: H0 + 2, wallMs: 500, cpuMs: 4, outcome: "exception" }),
      invocationRecord({ functionName: "other", startedAt: H0 + 3, wallMs: 2000, cpuMs: 1 }),
      invocationRecord({ tenant: "other", startedAt: H0 + 4, wallMs: 7, cpuMs: 7 }),
    ]);
    const usage = await storage.usage.functionUsage("acme", { from: H0, to: H0 + HOUR });
    expect(usage).toEqual([
      {
        functionName: "hello",
        requests: 2,
        errors: 1,
        coldStarts: 1,
        wallMs: 1500,
        cpuMs: 7,
        // 256/1024 GB × 1 s + 1 GB × 0.5 s
        gbSeconds: 0.75,
        egressBytes: 10,
      },
      {
        functionName: "other",
        requests: 1,
        errors: 0,
        coldStarts: 0,
        wallMs: 2000,
        cpuMs: 1,
        gbSeconds: 0.25,
        egressBytes: 0,
      },
    ]);
    expect((await storage.usage.functionUsage("other", { from: H0, to: H0 + HOUR }))[0]?.gbSeconds).toBe(
      0.5 * 0.007,
    );
  });

  it("counts a record written twice once, and keeps usage when records are pruned or the function deleted", async () => {
    const record = invocationRecord({ version: 1, startedAt: H0, wallMs: 4000 });
    await storage.invocations.insertMany([record]);
    await storage.invocations.insertMany([record]);
    await storage.invocations.prune(0);
    expect(storage.db.prepare("SELECT count(*) FROM invocations").pluck().get()).toBe(0);
    await storage.functions.delete("acme", "hello");
    expect(await storage.usage.functionUsage("acme", { from: H0, to: H0 + 1 })).toMatchObject([
      { functionName: "hello", requests: 1, gbSeconds: 1 },
    ]);
  });

  it("takes the hours that start in [from, to): the hour holding `from` whole, the one starting at `to` not", async () => {
    await storage.invocations.insertMany([
      invocationRecord({ startedAt: H0 - 1 }),
      invocationRecord({ startedAt: H0 + 10 }),
      invocationRecord({ startedAt: H0 + HOUR - 1 }),
      invocationRecord({ startedAt: H0 + HOUR }),
    ]);
    const requests = async (from: number, to: number) =>
      (await storage.usage.functionUsage("acme", { from, to }))[0]?.requests ?? 0;
    expect(await requests(H0 + 30 * 60_000, H0 + HOUR)).toBe(2);
    expect(await requests(H0 - HOUR, H0 + 2 * HOUR)).toBe(4);
    expect(await requests(H0 + HOUR, H0 + HOUR)).toBe(0);
    await expect(storage.usage.functionUsage("nobody", { from: 0, to: H0 })).rejects.toMatchObject({
      code: "TENANT_NOT_FOUND",
    });
  });

  it("goes with its tenant (there is no tenant deletion yet: the row's cascade is what is checked)", async () => {
    await storage.invocations.insertMany([invocationRecord({ tenant: "other", startedAt: H0 })]);
    expect(storage.db.prepare("SELECT count(*) FROM function_usage").pluck().get()).toBe(1);
    storage.db.prepare("DELETE FROM tenants WHERE name = 'other'").run();
    expect(storage.db.prepare("SELECT count(*) FROM function_usage").pluck().get()).toBe(0);
  });
});

describe("backlog sample (SQLite)", () => {
  let root: string;
  let storage: SqliteStorage;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "skiff-backlog-"));
    storage = await openStorage({ dataDir: root });
    await storage.tenants.create("acme");
    await storage.functions.deploy("acme", "worker", {
      code: new TextEncoder().encode("w"),
      config: resolveFunctionConfig(),
    });
  });

  afterEach(async () => {
    await storage.close();
    await rm(root, { recursive: true, force: true });
  });

  it("counts queued events and their oldest, queue messages and dead letters by tenant", async () => {
    expect(await storage.backlog.sample()).toEqual({ events: [], queueMessages: [], deadLetters: [] });
    const enqueue = (now: number) =>
      storage.events.enqueue({ tenant: "acme", functionName: "worker", kind: "invoke", payload: {} }, now);
    await enqueue(500);
    await enqueue(100);
    const doomed = await enqueue(900);
    await storage.events.lease(1_000, 10, "me", 60_000);
    await storage.events.deadLetter(doomed.id, "me", "maxAttempts", "boom", 1_000);
    await storage.queues.create("acme", "jobs", {}, 0);
    await storage.queues.send("acme", "jobs", [{ body: "a", contentType: "text" }], 40);
    await storage.queues.send("acme", "jobs", [{ body: "b", contentType: "text" }], 50);
    expect(await storage.backlog.sample()).toEqual({
      events: [{ tenant: "acme", kind: "invoke", count: 2, oldestCreatedAt: 100 }],
      queueMessages: [{ tenant: "acme", queue: "jobs", count: 2, oldestCreatedAt: 40 }],
      deadLetters: [{ tenant: "acme", kind: "invoke", count: 1 }],
    });
  });
});
