// The scheduler's part of the storage conformance suite (event queue, dead letters, cron run history), run by
// `runStorageConformance` for every backend.
import { resolveFunctionConfig } from "@skiff/core";
import { beforeEach, describe, expect, it } from "vitest";
import type { ClaimInput, EnqueueInput, Storage } from "./types.js";

/** Opens a second Storage on the same backing store, as a second process sharing the data would. */
export type ShareStorage = (storage: Storage) => Promise<Storage>;

const T = 1_700_000_000_000;
const LEASE = 30_000;

const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
/** An InvocationEvent-like payload: nested objects, every JSON type, a base64 body, non-ASCII text. */
const PAYLOAD = {
  kind: "invoke",
  request: {
    method: "POST",
    url: "https://acme.example/hello?x=1&y=%20",
    headers: [
      ["content-type", "application/octet-stream"],
      ["x-note", "ünïcødé ✓ 🚀"],
    ],
    body: Buffer.from(bytes).toString("base64"),
  },
  nested: { deep: { list: [1, 2.5, -0.125, null, true, false, "", 'a"b\\c\n'], empty: {}, none: [] } },
};

function input(overrides: Partial<EnqueueInput> = {}): EnqueueInput {
  return { tenant: "acme", functionName: "hello", kind: "invoke", payload: { n: 0 }, ...overrides };
}

function claim(overrides: Partial<ClaimInput> = {}): ClaimInput {
  return {
    tenant: "acme",
    functionName: "hello",
    triggerKey: "*/5 * * * *|UTC",
    cron: "*/5 * * * *",
    timezone: "UTC",
    scheduledTime: T,
    attempt: 1,
    version: 1,
    manual: false,
    ...overrides,
  };
}

async function deploy(storage: Storage, tenant: string, name: string): Promise<void> {
  await storage.functions.deploy(tenant, name, {
    code: new TextEncoder().encode(`${tenant}/${name}`),
    config: resolveFunctionConfig(),
  });
}

/** Leases in a loop at time `now` until the queue has nothing due, returning every id leased. */
async function drain(storage: Storage, owner: string, now: number, limit: number): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const leased = await storage.events.lease(now, limit, owner, LEASE);
    if (leased.length === 0) return ids;
    ids.push(...leased.map((event) => event.id));
  }
}

/**
 * Registers the scheduler cases. `current` answers the storage the enclosing suite opened for this test;
 * `share`, when the backend can, opens a second one on the same data.
 */
export function describeSchedulerStorage(current: () => Storage, share?: ShareStorage): void {
  let storage: Storage;

  beforeEach(async () => {
    storage = current();
    await storage.tenants.create("acme");
    await storage.tenants.create("other");
    await deploy(storage, "acme", "hello");
    await deploy(storage, "acme", "world");
    await deploy(storage, "other", "hello");
  });

  describe("event queue", () => {
    it("commits an event and leases it once, with its names, payload and attempt count", async () => {
      const { id, duplicate } = await storage.events.enqueue(input({ payload: PAYLOAD }), T);
      expect(duplicate).toBe(false);
      expect(id).toMatch(/^\S+$/);
      expect(await storage.events.depth("acme", "hello")).toEqual({ count: 1, oldestCreatedAt: T });

      const leased = await storage.events.lease(T, 10, "a", LEASE);
      expect(leased).toEqual([
        {
          id,
          tenant: "acme",
          functionName: "hello",
          kind: "invoke",
          payload: PAYLOAD,
          idempotencyKey: null,
          attempts: 1,
          createdAt: T,
          leaseExpiresAt: T + LEASE,
        },
      ]);
      const body = (leased[0]?.payload as typeof PAYLOAD | undefined)?.request.body ?? "";
      expect(new Uint8Array(Buffer.from(body, "base64"))).toEqual(bytes);
      expect(await storage.events.lease(T, 10, "b", LEASE)).toEqual([]);
      expect(await storage.events.lease(T + LEASE - 1, 10, "b", LEASE)).toEqual([]);

      await storage.events.complete(id, "a");
      expect(await storage.events.depth("acme", "hello")).toEqual({ count: 0, oldestCreatedAt: null });
      expect(await storage.events.lease(T + 10 * LEASE, 10, "b", LEASE)).toEqual([]);
    });

    it("gives every event its own id and keeps each payload", async () => {
      const payloads = [null, 0, "text", [1, [2, [3]]], { a: { b: { c: "d" } } }, true];
      const ids = [];
      for (const payload of payloads) ids.push((await storage.events.enqueue(input({ payload }), T)).id);
      expect(new Set(ids).size).toBe(payloads.length);
      const leased = await storage.events.lease(T, 100, "a", LEASE);
      expect(leased.map((event) => [event.id, event.payload])).toEqual(ids.map((id, i) => [id, payloads[i]]));
    });

    it("leases only due events, the earliest due first (then the oldest), up to the limit", async () => {
      const at = async (createdAt: number, availableAt: number) =>
        (await storage.events.enqueue(input({ availableAt }), createdAt)).id;
      const late = await at(T, T + 500);
      const second = await at(T + 10, T + 10);
      const first = await at(T + 20, T + 5);
      const later = await at(T + 1, T + 5_000);
      const tieNewer = await at(T + 30, T + 100);
      const tieOlder = await at(T + 25, T + 100);

      expect(await storage.events.lease(T + 4, 10, "a", LEASE)).toEqual([]);
      expect(await storage.events.lease(T + 1_000, 0, "a", LEASE)).toEqual([]);
      expect((await storage.events.lease(T + 1_000, 2, "a", LEASE)).map((e) => e.id)).toEqual([
        first,
        second,
      ]);
      expect((await storage.events.lease(T + 1_000, 10, "a", LEASE)).map((e) => e.id)).toEqual([
        tieOlder,
        tieNewer,
        late,
      ]);
      expect(await storage.events.lease(T + 4_999, 10, "a", LEASE)).toEqual([]);
      expect((await storage.events.lease(T + 5_000, 10, "a", LEASE)).map((e) => e.id)).toEqual([later]);
    });

    it("does not store a repeated idempotency key of a function, for 24 h after its event was created", async () => {
      const first = await storage.events.enqueue(input({ idempotencyKey: "order-7", payload: { v: 1 } }), T);
      const again = await storage.events.enqueue(
        input({ idempotencyKey: "order-7", payload: { v: 2 } }),
        T + 1,
      );
      expect(again).toEqual({ id: first.id, duplicate: true });
      const elsewhere = await storage.events.enqueue(
        input({ functionName: "world", idempotencyKey: "order-7" }),
        T,
      );
      const otherTenant = await storage.events.enqueue(
        input({ tenant: "other", idempotencyKey: "order-7" }),
        T,
      );
      expect(elsewhere.duplicate).toBe(false);
      expect(otherTenant.duplicate).toBe(false);
      expect(new Set([first.id, elsewhere.id, otherTenant.id]).size).toBe(3);
      // Events without a key are never duplicates of each other.
      const plain = await storage.events.enqueue(input(), T);
      const plain2 = await storage.events.enqueue(input(), T);
      expect([plain.duplicate, plain2.duplicate]).toEqual([false, false]);

      const leased = await storage.events.lease(T + 1, 100, "a", LEASE);
      expect(leased).toHaveLength(5);
      const stored = leased.find((event) => event.id === first.id);
      expect(stored).toMatchObject({ payload: { v: 1 }, idempotencyKey: "order-7", createdAt: T });
      // Still a duplicate while leased, and after delivery (a producer resending after a lost 202).
      expect(await storage.events.enqueue(input({ idempotencyKey: "order-7" }), T + 2)).toEqual({
        id: first.id,
        duplicate: true,
      });
      await storage.events.complete(first.id, "a");
      expect(await storage.events.enqueue(input({ idempotencyKey: "order-7" }), T + 3)).toEqual({
        id: first.id,
        duplicate: true,
      });
      // A new event once the window has passed.
      const fresh = await storage.events.enqueue(
        input({ idempotencyKey: "order-7" }),
        T + 24 * 3_600_000 + 1,
      );
      expect(fresh.duplicate).toBe(false);
      expect(fresh.id).not.toBe(first.id);
    });

    it("refuses an unknown tenant or function and a payload that is not JSON, storing nothing", async () => {
      await expect(storage.events.enqueue(input({ tenant: "nobody" }), T)).rejects.toMatchObject({
        code: "TENANT_NOT_FOUND",
      });
      await expect(storage.events.enqueue(input({ functionName: "nope" }), T)).rejects.toMatchObject({
        code: "FUNCTION_NOT_FOUND",
      });
      for (const payload of [undefined, 10n, () => 1]) {
        await expect(storage.events.enqueue(input({ payload }), T)).rejects.toMatchObject({
          code: "INVALID_REQUEST",
        });
      }
      await expect(storage.events.enqueue(input({ attempts: -1 }), T)).rejects.toMatchObject({
        code: "INVALID_REQUEST",
      });
      expect(await storage.events.depth("acme")).toEqual({ count: 0, oldestCreatedAt: null });
      expect(await storage.events.lease(T + LEASE, 100, "a", LEASE)).toEqual([]);
    });

    it("delivers an event again after its holder crashed, and ignores the stale holder", async () => {
      const { id } = await storage.events.enqueue(input({ payload: PAYLOAD }), T);
      expect((await storage.events.lease(T, 10, "a", LEASE)).map((e) => [e.id, e.attempts])).toEqual([
        [id, 1],
      ]);
      // "a" crashes without completing. Until its lease runs out, nobody else gets the event.
      expect(await storage.events.lease(T + LEASE - 1, 10, "b", LEASE)).toEqual([]);
      expect(await storage.events.nextDue(T + 1)).toBe(T + LEASE);

      const again = await storage.events.lease(T + LEASE, 10, "b", LEASE);
      expect(again).toEqual([
        expect.objectContaining({ id, payload: PAYLOAD, attempts: 2, leaseExpiresAt: T + 2 * LEASE }),
      ]);

      // "a" wakes up: nothing it does may touch the event "b" now holds.
      await storage.events.complete(id, "a");
      await storage.events.retry(id, "a", T, "stale");
      await storage.events.defer(id, "a", T);
      await storage.events.extendLease(id, "a", T + 100 * LEASE);
      await storage.events.deadLetter(id, "a", "maxAttempts", "stale", T + LEASE);
      expect(await storage.events.releaseAll("a")).toBe(0);
      expect(await storage.events.depth("acme", "hello")).toEqual({ count: 1, oldestCreatedAt: T });
      expect(await storage.deadLetters.list("acme", "hello")).toEqual([]);
      expect(await storage.events.lease(T + LEASE + 1, 10, "c", LEASE)).toEqual([]);
      expect(await storage.events.nextDue(T + LEASE + 1)).toBe(T + 2 * LEASE);

      await storage.events.complete(id, "b");
      expect(await storage.events.depth("acme", "hello")).toEqual({ count: 0, oldestCreatedAt: null });
      expect(await storage.events.lease(T + 10 * LEASE, 10, "c", LEASE)).toEqual([]);
    });

    it("lets an expired but not re-leased holder still finish", async () => {
      const { id } = await storage.events.enqueue(input(), T);
      await storage.events.lease(T, 10, "a", LEASE);
      await storage.events.complete(id, "a");
      expect(await storage.events.lease(T + 2 * LEASE, 10, "b", LEASE)).toEqual([]);
    });

    it("retries at the given time, counting the attempt", async () => {
      const { id } = await storage.events.enqueue(input(), T);
      await storage.events.lease(T, 10, "a", LEASE);
      await storage.events.retry(id, "a", T + 5_000, "boom");
      expect(await storage.events.nextDue(T + 1)).toBe(T + 5_000);
      expect(await storage.events.lease(T + 4_999, 10, "b", LEASE)).toEqual([]);
      const [again] = await storage.events.lease(T + 5_000, 10, "b", LEASE);
      expect(again).toMatchObject({ id, attempts: 2, createdAt: T, leaseExpiresAt: T + 5_000 + LEASE });
      // No new error: the dead letter keeps the last retry's.
      await storage.events.deadLetter(id, "b", "maxAttempts", null, T + 6_000);
      expect(await storage.deadLetters.get("acme", "hello", id)).toMatchObject({
        attempts: 2,
        lastError: "boom",
      });
    });

    it("defers without counting the attempt", async () => {
      const { id } = await storage.events.enqueue(input(), T);
      await storage.events.lease(T, 10, "a", LEASE);
      await storage.events.defer(id, "a", T + 100);
      expect(await storage.events.lease(T + 99, 10, "b", LEASE)).toEqual([]);
      expect((await storage.events.lease(T + 100, 10, "b", LEASE)).map((e) => [e.id, e.attempts])).toEqual([
        [id, 1],
      ]);
    });

    it("counts attempts a producer already made", async () => {
      const { id } = await storage.events.enqueue(input({ kind: "scheduled", attempts: 1 }), T);
      expect(await storage.events.lease(T, 10, "a", LEASE)).toEqual([
        expect.objectContaining({ id, kind: "scheduled", attempts: 2 }),
      ]);
    });

    it("extends a lease only for its holder", async () => {
      const { id } = await storage.events.enqueue(input(), T);
      await storage.events.lease(T, 10, "a", LEASE);
      await storage.events.extendLease(id, "a", T + 3 * LEASE);
      await storage.events.extendLease(id, "b", T + 100 * LEASE);
      expect(await storage.events.lease(T + 3 * LEASE - 1, 10, "b", LEASE)).toEqual([]);
      expect(await storage.events.nextDue(T)).toBe(T + 3 * LEASE);
      expect((await storage.events.lease(T + 3 * LEASE, 10, "b", LEASE)).map((e) => e.attempts)).toEqual([2]);
    });

    it("releases one owner's leases at once, keeping their attempts", async () => {
      for (let i = 0; i < 3; i++) await storage.events.enqueue(input({ payload: { i } }), T + i);
      const held = await storage.events.lease(T + 10, 2, "a", LEASE);
      const [kept] = await storage.events.lease(T + 10, 2, "b", LEASE);
      expect(await storage.events.releaseAll("a")).toBe(2);
      expect(await storage.events.releaseAll("a")).toBe(0);
      expect(await storage.events.nextDue(T + 10)).toBe(T);
      const released = await storage.events.lease(T + 10, 10, "c", LEASE);
      expect(released.map((e) => [e.id, e.attempts])).toEqual(held.map((e) => [e.id, 2]));
      expect(released.map((e) => e.id)).not.toContain(kept?.id);
    });

    it("tells when the next event is due, leased ones at their lease expiry", async () => {
      expect(await storage.events.nextDue(T)).toBeUndefined();
      const { id: later } = await storage.events.enqueue(input({ availableAt: T + 100 }), T);
      const { id: sooner } = await storage.events.enqueue(input({ availableAt: T + 50 }), T);
      expect(await storage.events.nextDue(T)).toBe(T + 50);
      expect((await storage.events.lease(T + 60, 10, "a", 1_000)).map((e) => e.id)).toEqual([sooner]);
      expect(await storage.events.nextDue(T + 60)).toBe(T + 100);
      await storage.events.lease(T + 100, 10, "a", 1_000);
      expect(await storage.events.nextDue(T + 100)).toBe(T + 1_060);
      // Already due: a time in the past.
      expect(await storage.events.nextDue(T + 5_000)).toBe(T + 1_060);
      await storage.events.complete(sooner, "a");
      await storage.events.complete(later, "a");
      expect(await storage.events.nextDue(T + 5_000)).toBeUndefined();
    });

    it("counts waiting events per function and per tenant, leased ones included", async () => {
      await storage.events.enqueue(input(), T + 5);
      await storage.events.enqueue(input(), T + 3);
      await storage.events.enqueue(input({ functionName: "world" }), T + 1);
      await storage.events.enqueue(input({ tenant: "other" }), T);
      await storage.events.lease(T + 5, 1, "a", LEASE);
      expect(await storage.events.depth("acme", "hello")).toEqual({ count: 2, oldestCreatedAt: T + 3 });
      expect(await storage.events.depth("acme", "world")).toEqual({ count: 1, oldestCreatedAt: T + 1 });
      expect(await storage.events.depth("acme")).toEqual({ count: 3, oldestCreatedAt: T + 1 });
      expect(await storage.events.depth("other")).toEqual({ count: 1, oldestCreatedAt: T });
      await expect(storage.events.depth("nobody")).rejects.toMatchObject({ code: "TENANT_NOT_FOUND" });
      await expect(storage.events.depth("acme", "nope")).rejects.toMatchObject({
        code: "FUNCTION_NOT_FOUND",
      });
    });
  });

  describe("dead letters", () => {
    async function deadLetter(overrides: Partial<EnqueueInput>, failedAt: number, error: string | null) {
      const { id } = await storage.events.enqueue(input(overrides), T);
      const leased = await storage.events.lease(T, 1, "a", LEASE);
      expect(leased.map((e) => e.id)).toEqual([id]);
      await storage.events.deadLetter(id, "a", "maxAttempts", error, failedAt);
      return id;
    }

    it("moves a failed event out of the queue and redrives it with its id, payload and key", async () => {
      const id = await deadLetter({ payload: PAYLOAD, idempotencyKey: "order-7" }, T + 10, "boom");
      expect(await storage.events.depth("acme", "hello")).toEqual({ count: 0, oldestCreatedAt: null });
      expect(await storage.events.lease(T + 10 * LEASE, 10, "b", LEASE)).toEqual([]);
      const expected = {
        id,
        tenant: "acme",
        functionName: "hello",
        kind: "invoke",
        payload: PAYLOAD,
        idempotencyKey: "order-7",
        attempts: 1,
        createdAt: T,
        failedAt: T + 10,
        reason: "maxAttempts",
        lastError: "boom",
      };
      expect(await storage.deadLetters.list("acme", "hello")).toEqual([expected]);
      expect(await storage.deadLetters.get("acme", "hello", id)).toEqual(expected);
      // Its key still counts while it waits here.
      expect(await storage.events.enqueue(input({ idempotencyKey: "order-7" }), T + 15)).toEqual({
        id,
        duplicate: true,
      });

      await storage.deadLetters.redrive("acme", "hello", id, T + 20);
      expect(await storage.deadLetters.list("acme", "hello")).toEqual([]);
      expect(await storage.deadLetters.get("acme", "hello", id)).toBeUndefined();
      expect(await storage.events.lease(T + 20, 10, "b", LEASE)).toEqual([
        {
          id,
          tenant: "acme",
          functionName: "hello",
          kind: "invoke",
          payload: PAYLOAD,
          idempotencyKey: "order-7",
          attempts: 1,
          createdAt: T + 20,
          leaseExpiresAt: T + 20 + LEASE,
        },
      ]);
      await expect(storage.deadLetters.redrive("acme", "hello", id, T + 30)).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
    });

    it("deletes a dead letter, freeing its key", async () => {
      const id = await deadLetter({ idempotencyKey: "k" }, T + 10, null);
      expect(await storage.deadLetters.get("acme", "hello", id)).toMatchObject({ lastError: null });
      await storage.deadLetters.delete("acme", "hello", id);
      expect(await storage.deadLetters.get("acme", "hello", id)).toBeUndefined();
      await expect(storage.deadLetters.delete("acme", "hello", id)).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      const fresh = await storage.events.enqueue(input({ idempotencyKey: "k" }), T + 20);
      expect(fresh.duplicate).toBe(false);
      expect(fresh.id).not.toBe(id);
    });

    it("lists newest first, per function, limited to 50 by default and 1000 at most", async () => {
      const ids: string[] = [];
      for (let i = 0; i < 55; i++) ids.push(await deadLetter({ payload: { i } }, T + Math.floor(i / 2), "x"));
      const elsewhere = await deadLetter({ functionName: "world" }, T + 100, "y");
      const newestFirst = [...ids].reverse();

      expect((await storage.deadLetters.list("acme", "hello")).map((d) => d.id)).toEqual(
        newestFirst.slice(0, 50),
      );
      expect((await storage.deadLetters.list("acme", "hello", 3)).map((d) => d.id)).toEqual(
        newestFirst.slice(0, 3),
      );
      expect(await storage.deadLetters.list("acme", "hello", 5_000)).toHaveLength(55);
      expect(await storage.deadLetters.list("acme", "hello", 0)).toHaveLength(1);
      expect((await storage.deadLetters.list("acme", "world")).map((d) => d.id)).toEqual([elsewhere]);
      expect(await storage.deadLetters.get("acme", "hello", elsewhere)).toBeUndefined();
      expect(await storage.deadLetters.get("acme", "nope", elsewhere)).toBeUndefined();
      expect(await storage.deadLetters.get("nobody", "world", elsewhere)).toBeUndefined();
    });

    it("refuses an unknown tenant, function or dead letter", async () => {
      const id = await deadLetter({ functionName: "world" }, T, "x");
      await expect(storage.deadLetters.list("nobody", "hello")).rejects.toMatchObject({
        code: "TENANT_NOT_FOUND",
      });
      await expect(storage.deadLetters.list("acme", "nope")).rejects.toMatchObject({
        code: "FUNCTION_NOT_FOUND",
      });
      // Another function's dead letter is not found through this one.
      await expect(storage.deadLetters.redrive("acme", "hello", id, T)).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      await expect(storage.deadLetters.delete("acme", "hello", id)).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      await expect(storage.deadLetters.redrive("acme", "nope", id, T)).rejects.toMatchObject({
        code: "FUNCTION_NOT_FOUND",
      });
      await expect(storage.deadLetters.delete("nobody", "world", id)).rejects.toMatchObject({
        code: "TENANT_NOT_FOUND",
      });
      expect((await storage.deadLetters.list("acme", "world")).map((d) => d.id)).toEqual([id]);
    });
  });

  describe("trigger runs", () => {
    it("claims a run once per trigger, scheduled time and attempt", async () => {
      const first = await storage.triggerRuns.claim(claim(), T + 1);
      expect(first).toEqual(expect.any(Number));
      expect(await storage.triggerRuns.claim(claim({ version: 2, manual: true }), T + 2)).toBeUndefined();
      const retry = await storage.triggerRuns.claim(claim({ attempt: 2 }), T + 3);
      const nextTick = await storage.triggerRuns.claim(claim({ scheduledTime: T + 300_000 }), T + 4);
      const otherTrigger = await storage.triggerRuns.claim(
        claim({ triggerKey: "0 9 * * *|Europe/Berlin", cron: "0 9 * * *", timezone: "Europe/Berlin" }),
        T + 5,
      );
      const otherFunction = await storage.triggerRuns.claim(claim({ functionName: "world" }), T + 6);
      const ids = [first, retry, nextTick, otherTrigger, otherFunction];
      expect(ids.every((id) => typeof id === "number")).toBe(true);
      expect(new Set(ids).size).toBe(5);
    });

    it("records start and end and lists runs newest first", async () => {
      const a = (await storage.triggerRuns.claim(claim(), T)) as number;
      const b = (await storage.triggerRuns.claim(claim({ scheduledTime: T + 60_000 }), T + 60_000)) as number;
      const manual = (await storage.triggerRuns.claim(
        claim({ scheduledTime: T + 61_000, manual: true, version: 3 }),
        T + 61_000,
      )) as number;
      await storage.triggerRuns.start(a, "inv-a", T + 5);
      await storage.triggerRuns.finish(a, "exception", T + 9);
      await storage.triggerRuns.finish(b, "skipped", T + 60_001);
      await storage.triggerRuns.start(manual, "inv-m", T + 61_002);

      const base = {
        tenant: "acme",
        functionName: "hello",
        triggerKey: "*/5 * * * *|UTC",
        cron: "*/5 * * * *",
        timezone: "UTC",
        attempt: 1,
      };
      expect(await storage.triggerRuns.list("acme", "hello")).toEqual([
        {
          ...base,
          id: manual,
          scheduledTime: T + 61_000,
          version: 3,
          manual: true,
          startedAt: T + 61_002,
          endedAt: null,
          outcome: null,
          invocationId: "inv-m",
        },
        {
          ...base,
          id: b,
          scheduledTime: T + 60_000,
          version: 1,
          manual: false,
          startedAt: null,
          endedAt: T + 60_001,
          outcome: "skipped",
          invocationId: null,
        },
        {
          ...base,
          id: a,
          scheduledTime: T,
          version: 1,
          manual: false,
          startedAt: T + 5,
          endedAt: T + 9,
          outcome: "exception",
          invocationId: "inv-a",
        },
      ]);
      expect(await storage.triggerRuns.list("acme", "world")).toEqual([]);
    });

    it("limits lists: default 50, at least 1", async () => {
      for (let i = 0; i < 55; i++)
        await storage.triggerRuns.claim(claim({ scheduledTime: T + i * 60_000 }), T);
      const runs = await storage.triggerRuns.list("acme", "hello");
      expect(runs).toHaveLength(50);
      expect(runs[0]?.scheduledTime).toBe(T + 54 * 60_000);
      expect(await storage.triggerRuns.list("acme", "hello", 2)).toHaveLength(2);
      expect(await storage.triggerRuns.list("acme", "hello", 0)).toHaveLength(1);
      expect(await storage.triggerRuns.list("acme", "hello", 5_000)).toHaveLength(55);
    });

    it("finds the latest scheduled time of a trigger, manual runs aside", async () => {
      const key = "*/5 * * * *|UTC";
      expect(await storage.triggerRuns.lastScheduled("acme", "hello", key)).toBeUndefined();
      await storage.triggerRuns.claim(claim({ scheduledTime: T + 600_000 }), T);
      await storage.triggerRuns.claim(claim({ scheduledTime: T }), T);
      await storage.triggerRuns.claim(claim({ scheduledTime: T + 900_000, manual: true }), T);
      await storage.triggerRuns.claim(
        claim({ triggerKey: "other|UTC", scheduledTime: T + 1_200_000 }),
        T + 1_200_000,
      );
      expect(await storage.triggerRuns.lastScheduled("acme", "hello", key)).toBe(T + 600_000);
      expect(await storage.triggerRuns.lastScheduled("acme", "world", key)).toBeUndefined();
      expect(await storage.triggerRuns.lastScheduled("acme", "nope", key)).toBeUndefined();
      expect(await storage.triggerRuns.lastScheduled("nobody", "hello", key)).toBeUndefined();
    });

    it("refuses an unknown tenant or function, and ignores updates of a run that is gone", async () => {
      await expect(storage.triggerRuns.claim(claim({ tenant: "nobody" }), T)).rejects.toMatchObject({
        code: "TENANT_NOT_FOUND",
      });
      await expect(storage.triggerRuns.claim(claim({ functionName: "nope" }), T)).rejects.toMatchObject({
        code: "FUNCTION_NOT_FOUND",
      });
      await expect(storage.triggerRuns.list("acme", "nope")).rejects.toMatchObject({
        code: "FUNCTION_NOT_FOUND",
      });
      await storage.triggerRuns.start(987_654, "inv", T);
      await storage.triggerRuns.finish(987_654, "ok", T);
      expect(await storage.triggerRuns.list("acme", "hello")).toEqual([]);
    });
  });

  describe("function delete", () => {
    it("deletes the function's events, dead letters and runs, and nothing of others", async () => {
      await storage.events.enqueue(input({ idempotencyKey: "k" }), T);
      const { id: dead } = await storage.events.enqueue(input({ idempotencyKey: "d" }), T);
      await storage.events.lease(T, 10, "a", LEASE);
      await storage.events.deadLetter(dead, "a", "maxAttempts", "x", T);
      await storage.events.enqueue(input(), T);
      await storage.triggerRuns.claim(claim(), T);
      const { id: kept } = await storage.events.enqueue(
        input({ functionName: "world", idempotencyKey: "k" }),
        T,
      );
      const keptRun = await storage.triggerRuns.claim(claim({ functionName: "world" }), T);

      await storage.functions.delete("acme", "hello");
      await deploy(storage, "acme", "hello");

      expect(await storage.events.depth("acme", "hello")).toEqual({ count: 0, oldestCreatedAt: null });
      expect(await storage.deadLetters.list("acme", "hello")).toEqual([]);
      expect(await storage.triggerRuns.list("acme", "hello")).toEqual([]);
      expect(await storage.triggerRuns.lastScheduled("acme", "hello", claim().triggerKey)).toBeUndefined();
      expect((await storage.events.lease(T + 10 * LEASE, 100, "b", LEASE)).map((e) => e.id)).toEqual([kept]);
      expect((await storage.triggerRuns.list("acme", "world")).map((r) => r.id)).toEqual([keptRun]);
      // The new function starts clean: old keys and ticks are free.
      expect((await storage.events.enqueue(input({ idempotencyKey: "d" }), T)).duplicate).toBe(false);
      const reclaimed = await storage.triggerRuns.claim(claim(), T);
      expect(reclaimed).toEqual(expect.any(Number));
      expect(reclaimed).not.toBe(keptRun);
    });
  });

  if (share === undefined) return;

  describe("two instances on the same data", () => {
    it("never lease the same event: both drain the queue into disjoint sets", async () => {
      const second = await share(storage);
      try {
        const enqueued = new Set<string>();
        for (let i = 0; i < 200; i++) {
          const via = i % 2 === 0 ? storage : second;
          enqueued.add((await via.events.enqueue(input({ payload: { i } }), T + i)).id);
        }
        const [a, b] = await Promise.all([
          drain(storage, "a", T + 1_000, 7),
          drain(second, "b", T + 1_000, 5),
        ]);
        expect(a.length + b.length).toBe(200);
        expect(new Set([...a, ...b])).toEqual(enqueued);
        expect(a.filter((id) => b.includes(id))).toEqual([]);
      } finally {
        await second.close();
      }
    });

    it("claim a run once", async () => {
      const second = await share(storage);
      try {
        const claims = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            (i % 2 === 0 ? storage : second).triggerRuns.claim(claim(), T),
          ),
        );
        expect(claims.filter((id) => id !== undefined)).toHaveLength(1);
        expect(await second.triggerRuns.list("acme", "hello")).toHaveLength(1);
      } finally {
        await second.close();
      }
    });

    it("see each other's completions and dead letters", async () => {
      const second = await share(storage);
      try {
        const { id } = await storage.events.enqueue(input({ idempotencyKey: "k" }), T);
        expect(await second.events.enqueue(input({ idempotencyKey: "k" }), T)).toEqual({
          id,
          duplicate: true,
        });
        await second.events.lease(T, 10, "b", LEASE);
        await second.events.deadLetter(id, "b", "maxEventAge", "too old", T + 1);
        expect((await storage.deadLetters.list("acme", "hello")).map((d) => [d.id, d.reason])).toEqual([
          [id, "maxEventAge"],
        ]);
        await storage.deadLetters.redrive("acme", "hello", id, T + 2);
        expect((await second.events.lease(T + 2, 10, "b", LEASE)).map((e) => e.id)).toEqual([id]);
      } finally {
        await second.close();
      }
    });
  });
}
