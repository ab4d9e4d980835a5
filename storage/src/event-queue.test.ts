import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveFunctionConfig } from "@skiff/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { openStorage, type SqliteStorage } from "./sqlite-storage.js";

const T = 1_700_000_000_000;
const LEASE = 30_000;
const viteNode = join(
  dirname(createRequire(import.meta.url).resolve("vite-node/package.json")),
  "vite-node.mjs",
);
const leaseWorker = join(dirname(fileURLToPath(import.meta.url)), "lease-worker.case.ts");

/** A process leasing from the queue in `dataDir`; it starts leasing when told `go`. */
function startWorker(dataDir: string, owner: string, limit: number) {
  const child: ChildProcess = spawn(
    process.execPath,
    [viteNode, leaseWorker, dataDir, owner, String(T), String(limit)],
    {
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.startsWith("ready\n")) onReady();
  });
  const ids = new Promise<string[]>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) reject(new Error(`lease worker ${owner} exited with ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout.slice("ready\n".length)) as string[]);
    });
  });
  return { ready, ids, go: () => child.stdin?.end("go\n"), kill: () => child.kill("SIGKILL") };
}

describe("SqliteEventQueue", () => {
  let root: string;
  let storage: SqliteStorage;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "skiff-events-"));
    storage = await openStorage({ dataDir: root });
    await storage.tenants.create("acme");
    await storage.functions.deploy("acme", "hello", {
      code: new TextEncoder().encode("export default {}"),
      config: resolveFunctionConfig(),
    });
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    await storage.close();
    await rm(root, { recursive: true, force: true });
  });

  it("never hands one event to two processes leasing from the same file at once", async () => {
    const enqueued = new Set<string>();
    for (let i = 0; i < 1_500; i++) {
      enqueued.add(
        (
          await storage.events.enqueue(
            { tenant: "acme", functionName: "hello", kind: "invoke", payload: { i } },
            T,
          )
        ).id,
      );
    }
    const workers = [startWorker(root, "w1", 3), startWorker(root, "w2", 5), startWorker(root, "w3", 4)];
    try {
      await Promise.all(workers.map((worker) => worker.ready));
      for (const worker of workers) worker.go();
      const leased = await Promise.all(workers.map((worker) => worker.ids));
      const all = leased.flat();
      expect(all).toHaveLength(enqueued.size);
      expect(new Set(all)).toEqual(enqueued);
      // Each event was leased exactly once: one attempt, by the process that reported it.
      const rows = storage.db
        .prepare<[], { id: string; attempts: number; lease_owner: string }>(
          "SELECT id, attempts, lease_owner FROM events",
        )
        .all();
      expect(rows.every((row) => row.attempts === 1)).toBe(true);
      const ownerOf = new Map(rows.map((row) => [row.id, row.lease_owner]));
      leased.forEach((ids, i) => {
        expect(ids.every((id) => ownerOf.get(id) === `w${i + 1}`)).toBe(true);
      });
    } finally {
      for (const worker of workers) worker.kill();
    }
  });

  it("stores the payload as JSON text and the lease in its columns", async () => {
    const { id } = await storage.events.enqueue(
      {
        tenant: "acme",
        functionName: "hello",
        kind: "webhook",
        payload: { a: [1, { b: "ü" }] },
        idempotencyKey: "k",
      },
      T,
    );
    const row = storage.db.prepare("SELECT * FROM events WHERE id = ?");
    expect(row.get(id)).toMatchObject({
      kind: "webhook",
      payload: '{"a":[1,{"b":"ü"}]}',
      idempotency_key: "k",
      attempts: 0,
      created_at: T,
      available_at: T,
      lease_owner: null,
      lease_expires_at: null,
      last_error: null,
    });
    await storage.events.lease(T + 1, 1, "owner-1", LEASE);
    expect(row.get(id)).toMatchObject({
      attempts: 1,
      lease_owner: "owner-1",
      lease_expires_at: T + 1 + LEASE,
    });
    await storage.events.retry(id, "owner-1", T + 500, "TypeError: x");
    expect(row.get(id)).toMatchObject({
      attempts: 1,
      available_at: T + 500,
      lease_owner: null,
      lease_expires_at: null,
      last_error: "TypeError: x",
    });
    expect(() => storage.db.prepare("UPDATE events SET payload = '{broken' WHERE id = ?").run(id)).toThrow(
      /CHECK constraint failed/,
    );
  });

  it("takes time only from its arguments", async () => {
    const now = vi.spyOn(Date, "now").mockImplementation(() => {
      throw new Error("Date.now() called");
    });
    const { id } = await storage.events.enqueue(
      { tenant: "acme", functionName: "hello", kind: "invoke", payload: 1 },
      T,
    );
    const [leased] = await storage.events.lease(T, 1, "a", LEASE);
    expect(leased).toMatchObject({ createdAt: T, leaseExpiresAt: T + LEASE });
    await storage.events.extendLease(id, "a", T + 2 * LEASE);
    await storage.events.retry(id, "a", T + 10, "x");
    await storage.events.lease(T + 10, 1, "a", LEASE);
    await storage.events.defer(id, "a", T + 20);
    await storage.events.lease(T + 20, 1, "a", LEASE);
    await storage.events.deadLetter(id, "a", "maxAttempts", null, T + 30);
    expect(await storage.deadLetters.get("acme", "hello", id)).toMatchObject({
      failedAt: T + 30,
      createdAt: T,
    });
    await storage.deadLetters.redrive("acme", "hello", id, T + 40);
    expect(await storage.events.nextDue(T + 40)).toBe(T + 40);
    await storage.events.depth("acme");
    await storage.events.releaseAll("a");
    const run = (await storage.triggerRuns.claim(
      {
        tenant: "acme",
        functionName: "hello",
        triggerKey: "* * * * *|UTC",
        cron: "* * * * *",
        timezone: "UTC",
        scheduledTime: T,
        attempt: 1,
        version: 1,
        manual: false,
      },
      T,
    )) as number;
    await storage.triggerRuns.start(run, "inv", T + 1);
    await storage.triggerRuns.finish(run, "ok", T + 2);
    expect(await storage.triggerRuns.list("acme", "hello")).toMatchObject([
      { startedAt: T + 1, endedAt: T + 2 },
    ]);
    expect(now).not.toHaveBeenCalled();
  });

  it("uses its indexes for leasing, completing and finding the next due event", () => {
    const plan = (sql: string) =>
      storage.db
        .prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all()
        .map((row) => row.detail)
        .join("; ");
    expect(
      plan(`SELECT e.id FROM events e JOIN functions f ON f.id = e.function_id JOIN tenants t ON t.id = f.tenant_id
            WHERE e.available_at <= 1 AND (e.lease_owner IS NULL OR e.lease_expires_at <= 1)
            ORDER BY e.available_at, e.created_at LIMIT 10`),
    ).toMatch(/^SEARCH e USING INDEX events_due \(available_at<\?\)/);
    expect(plan("DELETE FROM events WHERE id = 'x' AND lease_owner = 'o' RETURNING idempotency_key")).toMatch(
      /USING INDEX sqlite_autoindex_events_1 \(id=\?\)/,
    );
    // The rows of a lease are updated by id, one index look-up each, not by scanning the table.
    expect(
      plan(`UPDATE events SET lease_owner = 'o', lease_expires_at = 1, attempts = attempts + 1
            WHERE id IN (SELECT value FROM json_each('["a","b"]'))`),
    ).toMatch(/^SEARCH events USING COVERING INDEX sqlite_autoindex_events_1 \(id=\?\)/);
    expect(
      plan(
        "SELECT lease_expires_at FROM events WHERE lease_owner IS NOT NULL ORDER BY lease_expires_at LIMIT 1",
      ),
    ).toBe("SCAN events USING INDEX events_lease_expiry");
    // No sort step anywhere: rows come out of the index in order.
    expect(
      plan(`SELECT id FROM events WHERE available_at <= 1 AND (lease_owner IS NULL OR lease_expires_at <= 1)
            ORDER BY available_at, created_at LIMIT 10`),
    ).not.toMatch(/TEMP B-TREE/);
  });

  it("commits concurrent enqueues together, each answered as if alone", async () => {
    await storage.functions.deploy("acme", "other", {
      code: new TextEncoder().encode("export default {}"),
      config: resolveFunctionConfig(),
    });
    const input = (functionName: string, idempotencyKey?: string) => ({
      tenant: "acme",
      functionName,
      kind: "invoke" as const,
      payload: { functionName },
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    });
    const results = await Promise.allSettled([
      storage.events.enqueue(input("hello", "k1"), T),
      storage.events.enqueue(input("hello", "k1"), T),
      storage.events.enqueue(input("nope"), T),
      storage.events.enqueue(input("other"), T),
    ]);
    const [first, second, missing, other] = results;
    expect(first).toMatchObject({ status: "fulfilled", value: { duplicate: false } });
    const firstId = (first as PromiseFulfilledResult<{ id: string }>).value.id;
    expect(second).toEqual({ status: "fulfilled", value: { id: firstId, duplicate: true } });
    expect(missing).toMatchObject({ status: "rejected", reason: { code: "FUNCTION_NOT_FOUND" } });
    expect(other).toMatchObject({ status: "fulfilled", value: { duplicate: false } });
    expect(await storage.events.depth("acme")).toMatchObject({ count: 2 });
  });

  it("commits a turn's enqueues, completions and lease together; a failed enqueue costs the others nothing", async () => {
    const input = (functionName: string, i: number, idempotencyKey?: string) => ({
      tenant: "acme",
      functionName,
      kind: "invoke" as const,
      payload: { i },
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    });
    const delivered = await storage.events.enqueue(input("hello", 0, "k0"), T);
    const plain = await storage.events.enqueue(input("hello", 1), T);
    await storage.events.lease(T, 2, "a", LEASE);
    // One turn: two completions (one event with a key, one without), a refused enqueue, a new event, a lease.
    const results = await Promise.allSettled([
      storage.events.complete(delivered.id, "a"),
      storage.events.complete(plain.id, "a"),
      storage.events.enqueue(input("nope", 2), T + 1),
      storage.events.enqueue(input("hello", 3), T + 1),
      storage.events.lease(T + 1, 10, "b", LEASE),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "rejected",
      "fulfilled",
      "fulfilled",
    ]);
    expect(results[2]).toMatchObject({ reason: { code: "FUNCTION_NOT_FOUND" } });
    const fresh = (results[3] as PromiseFulfilledResult<{ id: string }>).value.id;
    // The lease, queued after the enqueue in the same turn, saw it: the new event is leased, once.
    const leased = (results[4] as PromiseFulfilledResult<Array<{ id: string; attempts: number }>>).value;
    expect(leased.map((e) => [e.id, e.attempts])).toEqual([[fresh, 1]]);
    expect(await storage.events.lease(T + 2, 10, "c", LEASE)).toEqual([]);
    expect(await storage.events.depth("acme")).toMatchObject({ count: 1 });
    // Only the delivered event that had a key is remembered as delivered.
    expect(storage.db.prepare("SELECT idempotency_key, event_id FROM delivered_keys").all()).toEqual([
      { idempotency_key: "k0", event_id: delivered.id },
    ]);
    expect(await storage.events.enqueue(input("hello", 4, "k0"), T + 3)).toEqual({
      id: delivered.id,
      duplicate: true,
    });
  });

  it("asks a lease's admit once per row, also when a failed write in its turn makes the batch run again", async () => {
    for (let i = 0; i < 5; i++) {
      await storage.events.enqueue(
        { tenant: "acme", functionName: "hello", kind: "invoke", payload: { i } },
        T,
      );
    }
    // Like the dispatcher's: it counts what it lets through, up to 2.
    let taken = 0;
    const asked: string[] = [];
    // The lease runs first in the batch; the enqueue after it throws, so the batch runs again.
    const [leased, refused] = await Promise.allSettled([
      storage.events.lease(T, 10, "a", LEASE, {
        admit: (candidate) => {
          asked.push(JSON.stringify(candidate.payload));
          return taken++ < 2;
        },
      }),
      storage.events.enqueue({ tenant: "acme", functionName: "nope", kind: "invoke", payload: {} }, T),
    ]);
    expect(refused).toMatchObject({ status: "rejected", reason: { code: "FUNCTION_NOT_FOUND" } });
    expect(leased.status).toBe("fulfilled");
    expect((leased as PromiseFulfilledResult<unknown[]>).value).toHaveLength(2);
    expect(new Set(asked).size).toBe(asked.length);
  });

  it("releases a lease asked for just before, not yet committed", async () => {
    for (let i = 0; i < 3; i++) {
      await storage.events.enqueue(
        { tenant: "acme", functionName: "hello", kind: "invoke", payload: { i } },
        T,
      );
    }
    const asked = storage.events.lease(T, 10, "a", LEASE);
    expect(await storage.events.releaseAll("a")).toBe(3);
    expect(await asked).toHaveLength(3);
    expect(await storage.events.lease(T, 10, "b", LEASE)).toHaveLength(3);
  });

  it("leases only what the caller admits, leaving the rest due and untouched", async () => {
    await storage.functions.deploy("acme", "busy", {
      code: new TextEncoder().encode("export default {}"),
      config: resolveFunctionConfig(),
    });
    const ids: Record<string, string[]> = { hello: [], busy: [] };
    for (let i = 0; i < 4; i++) {
      for (const functionName of ["busy", "hello"]) {
        const { id } = await storage.events.enqueue(
          { tenant: "acme", functionName, kind: "invoke", payload: { i } },
          T + i,
        );
        ids[functionName]?.push(id);
      }
    }
    const before = storage.db.prepare("SELECT * FROM events ORDER BY id").all();
    // "busy" is skipped outright; of "hello", only two are admitted.
    let admitted = 0;
    const leased = await storage.events.lease(T + 10, 10, "a", LEASE, {
      skip: [{ tenant: "acme", functionName: "busy" }],
      admit: (candidate) => {
        expect(candidate.functionName).toBe("hello");
        return candidate.kind === "invoke" && admitted++ < 2;
      },
    });
    expect(leased.map((e) => e.id)).toEqual(ids.hello?.slice(0, 2));
    expect(leased.map((e) => e.payload)).toEqual([{ i: 0 }, { i: 1 }]);
    const after = storage.db.prepare<[], { id: string }>("SELECT * FROM events ORDER BY id").all();
    const untouched = after.filter((row) => !leased.some((e) => e.id === row.id));
    expect(untouched).toEqual(
      before.filter((row) => untouched.some((u) => u.id === (row as { id: string }).id)),
    );
    expect(untouched).toHaveLength(6);

    // A caller that refuses everything stops looking after maxRefused events.
    let asked = 0;
    const none = await storage.events.lease(T + 10, 10, "a", LEASE, {
      maxRefused: 3,
      admit: () => {
        asked++;
        return false;
      },
    });
    expect(none).toEqual([]);
    expect(asked).toBe(3);
  });

  it("tells what becomes due later, apart from what is due now", async () => {
    await storage.events.enqueue({ tenant: "acme", functionName: "hello", kind: "invoke", payload: 1 }, T);
    await storage.events.enqueue(
      { tenant: "acme", functionName: "hello", kind: "invoke", payload: 2, availableAt: T + 500 },
      T,
    );
    expect(await storage.events.nextDue(T + 100)).toBe(T);
    expect(await storage.events.nextDue(T + 100, true)).toBe(T + 500);
    await storage.events.lease(T + 600, 10, "a", LEASE);
    expect(await storage.events.nextDue(T + 600, true)).toBe(T + 600 + LEASE);
    expect(await storage.events.nextDue(T + 600 + LEASE, true)).toBeUndefined();
  });

  it("refuses a lease of no time", async () => {
    await expect(storage.events.lease(T, 1, "a", 0)).rejects.toMatchObject({ code: "INVALID_REQUEST" });
    await expect(storage.events.lease(T, 1, "a", Number.NaN)).rejects.toMatchObject({
      code: "INVALID_REQUEST",
    });
  });
});
