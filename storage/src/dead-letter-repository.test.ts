import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveFunctionConfig } from "@skiff/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStorage, type SqliteStorage } from "./sqlite-storage.js";

const T = 1_700_000_000_000;
const LEASE = 30_000;

describe("SqliteDeadLetterRepository", () => {
  let root: string;
  let storage: SqliteStorage;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "skiff-dead-letters-"));
    storage = await openStorage({ dataDir: root });
    await storage.tenants.create("acme");
    await storage.functions.deploy("acme", "hello", {
      code: new TextEncoder().encode("export default {}"),
      config: resolveFunctionConfig(),
    });
  });

  afterEach(async () => {
    await storage.close();
    await rm(root, { recursive: true, force: true });
  });

  it("keeps an event in exactly one of the queue and the dead letters, with the same row data", async () => {
    const where = storage.db.prepare<[string, string], { events: number; dead: number }>(`
      SELECT (SELECT count(*) FROM events WHERE id = ?) AS events,
             (SELECT count(*) FROM dead_letters WHERE id = ?) AS dead`);
    const { id } = await storage.events.enqueue(
      { tenant: "acme", functionName: "hello", kind: "queue", payload: { n: [1, 2] }, idempotencyKey: "k" },
      T,
    );
    await storage.events.lease(T, 1, "a", LEASE);
    await storage.events.deadLetter(id, "a", "maxAttempts", "boom", T + 1);
    expect(where.get(id, id)).toEqual({ events: 0, dead: 1 });
    expect(storage.db.prepare("SELECT * FROM dead_letters WHERE id = ?").get(id)).toMatchObject({
      kind: "queue",
      payload: '{"n":[1,2]}',
      idempotency_key: "k",
      attempts: 1,
      created_at: T,
      failed_at: T + 1,
      reason: "maxAttempts",
      last_error: "boom",
    });

    await storage.deadLetters.redrive("acme", "hello", id, T + 2);
    expect(where.get(id, id)).toEqual({ events: 1, dead: 0 });
    expect(storage.db.prepare("SELECT * FROM events WHERE id = ?").get(id)).toMatchObject({
      kind: "queue",
      payload: '{"n":[1,2]}',
      idempotency_key: "k",
      attempts: 0,
      created_at: T + 2,
      available_at: T + 2,
      lease_owner: null,
      lease_expires_at: null,
      last_error: null,
    });
  });

  it("rolls a redrive back whole when the event can not go back into the queue", async () => {
    const { id } = await storage.events.enqueue(
      { tenant: "acme", functionName: "hello", kind: "invoke", payload: 1 },
      T,
    );
    await storage.events.lease(T, 1, "a", LEASE);
    await storage.events.deadLetter(id, "a", "maxAttempts", "boom", T + 1);
    // An event row with the same id can only come from outside the API; the redrive must not lose the letter.
    storage.db
      .prepare(
        `INSERT INTO events (id, function_id, kind, payload, attempts, created_at, available_at)
         SELECT ?, id, 'invoke', '1', 0, 0, 0 FROM functions`,
      )
      .run(id);
    await expect(storage.deadLetters.redrive("acme", "hello", id, T + 2)).rejects.toThrow(/UNIQUE/);
    expect((await storage.deadLetters.list("acme", "hello")).map((d) => d.id)).toEqual([id]);
  });
});
