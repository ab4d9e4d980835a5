// The queues-and-topics part of the storage conformance suite (issue 10), run by `runStorageConformance` for
// every backend: queues and consumers, sends with deduplication, leasing batches (ordered groups, windows,
// concurrency), dead-lettering, and topic publications fanned out in one transaction.
import { resolveFunctionConfig } from "@skiff/core";
import { beforeEach, describe, expect, it } from "vitest";
import type { QueueBatch, QueueMessageInput } from "./queue-types.js";
import type { ShareStorage } from "./scheduler-storage.case.js";
import type { Storage } from "./types.js";

const T = 1_700_000_000_000;
const LEASE = 30_000;

async function deploy(storage: Storage, tenant: string, name: string): Promise<void> {
  await storage.functions.deploy(tenant, name, {
    code: new TextEncoder().encode(`${tenant}/${name}`),
    config: resolveFunctionConfig(),
  });
}

const json = (body: unknown, extra: Partial<QueueMessageInput> = {}): QueueMessageInput => ({
  body,
  contentType: "json",
  ...extra,
});

const bodies = (batch: QueueBatch | undefined) => batch?.messages.map((m) => m.body);

export function describeQueueStorage(current: () => Storage, share?: ShareStorage): void {
  let storage: Storage;

  beforeEach(async () => {
    storage = current();
    await storage.tenants.create("acme");
    await storage.tenants.create("other");
    await deploy(storage, "acme", "worker");
    await deploy(storage, "acme", "audit");
  });

  describe("queues", () => {
    it("creates, gets, lists and deletes queues with their limits", async () => {
      const jobs = await storage.queues.create("acme", "jobs", {}, T);
      expect(jobs).toEqual({
        tenant: "acme",
        name: "jobs",
        ordered: false,
        maxMessageBytes: 256 * 1024,
        retentionSeconds: 4 * 24 * 3600,
        createdAt: T,
      });
      const stream = await storage.queues.create(
        "acme",
        "stream",
        { ordered: true, maxMessageBytes: 2048, retentionSeconds: 60 },
        T + 1,
      );
      expect(await storage.queues.get("acme", "stream")).toEqual(stream);
      expect(await storage.queues.list("acme")).toEqual([jobs, stream]);
      expect(await storage.queues.list("other")).toEqual([]);
      expect(await storage.queues.get("other", "jobs")).toBeUndefined();
      await storage.queues.delete("acme", "jobs");
      expect(await storage.queues.list("acme")).toEqual([stream]);
      await expect(storage.queues.delete("acme", "jobs")).rejects.toMatchObject({ code: "NOT_FOUND" });
    });

    it("refuses a taken name, a bad name, limits out of range and an unknown tenant", async () => {
      await storage.queues.create("acme", "jobs", {}, T);
      await expect(storage.queues.create("acme", "jobs", {}, T)).rejects.toMatchObject({ code: "CONFLICT" });
      for (const bad of ["Jobs", "a b", "-x", "", "a".repeat(64)]) {
        await expect(storage.queues.create("acme", bad, {}, T)).rejects.toMatchObject({
          code: "INVALID_NAME",
        });
      }
      await expect(
        storage.queues.create("acme", "big", { maxMessageBytes: 2 * 1024 * 1024 }, T),
      ).rejects.toMatchObject({ code: "INVALID_REQUEST" });
      await expect(storage.queues.create("acme", "short", { retentionSeconds: 1 }, T)).rejects.toMatchObject({
        code: "INVALID_REQUEST",
      });
      await expect(storage.queues.create("nobody", "jobs", {}, T)).rejects.toMatchObject({
        code: "TENANT_NOT_FOUND",
      });
      expect((await storage.queues.list("acme")).map((q) => q.name)).toEqual(["jobs"]);
    });

    it("stores sends and shows depth, delayed messages and the oldest one", async () => {
      await storage.queues.create("acme", "jobs", {}, T);
      const sent = await storage.queues.send(
        "acme",
        "jobs",
        [json({ n: 1 }), json("two", { delaySeconds: 60 }), { body: "aGk=", contentType: "bytes" }],
        T,
      );
      expect(sent).toHaveLength(3);
      expect(new Set(sent.map((s) => s.id)).size).toBe(3);
      expect(sent.every((s) => !s.duplicate)).toBe(true);
      await storage.queues.send("acme", "jobs", [{ body: "x", contentType: "text" }], T + 5);
      expect(await storage.queues.stats("acme", "jobs", T + 10)).toEqual({
        depth: 4,
        inFlight: 0,
        delayed: 1,
        oldestMessageAt: T,
      });
    });

    it("stores a batch all or none: one message over the limit keeps every one out", async () => {
      await storage.queues.create("acme", "small", { maxMessageBytes: 1024 }, T);
      await expect(
        storage.queues.send("acme", "small", [json("ok"), json("x".repeat(2000)), json("ok too")], T),
      ).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
      await expect(
        storage.queues.send("acme", "small", [json("ok"), { body: 12, contentType: "text" }], T),
      ).rejects.toMatchObject({ code: "INVALID_REQUEST" });
      await expect(
        storage.queues.send("acme", "small", [{ body: "not base64!", contentType: "bytes" }], T),
      ).rejects.toMatchObject({ code: "INVALID_REQUEST" });
      expect((await storage.queues.stats("acme", "small", T)).depth).toBe(0);
      await expect(storage.queues.send("acme", "nope", [json(1)], T)).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
    });

    it("needs a groupId in ordered queues and refuses one elsewhere", async () => {
      await storage.queues.create("acme", "jobs", {}, T);
      await storage.queues.create("acme", "stream", { ordered: true }, T);
      await expect(storage.queues.send("acme", "stream", [json(1)], T)).rejects.toMatchObject({
        code: "INVALID_REQUEST",
      });
      await expect(storage.queues.send("acme", "jobs", [json(1, { groupId: "g" })], T)).rejects.toMatchObject(
        { code: "INVALID_REQUEST" },
      );
      await expect(
        storage.queues.send("acme", "stream", [json(1, { groupId: "bad id" })], T),
      ).rejects.toMatchObject({ code: "INVALID_REQUEST" });
      expect(await storage.queues.send("acme", "stream", [json(1, { groupId: "g" })], T)).toHaveLength(1);
    });

    it("drops a message sent again with its deduplicationId within 5 minutes, even once delivered", async () => {
      await storage.queues.create("acme", "jobs", {}, T);
      await storage.queues.setConsumer("acme", "jobs", { functionName: "worker", maxWaitMs: 0 }, T);
      const [first] = await storage.queues.send("acme", "jobs", [json(1, { deduplicationId: "d-1" })], T);
      const again = await storage.queues.send(
        "acme",
        "jobs",
        [json(2, { deduplicationId: "d-1" }), json(3, { deduplicationId: "d-2" })],
        T + 1000,
      );
      expect(again[0]).toEqual({ id: first?.id, duplicate: true });
      expect(again[1]?.duplicate).toBe(false);
      const { batches } = await storage.queueDelivery.lease(T + 2000, "a", LEASE, 10, () => 1);
      await storage.queueDelivery.complete(batches[0]?.messages.map((m) => m.id) ?? [], "a");
      expect(
        (await storage.queues.send("acme", "jobs", [json(4, { deduplicationId: "d-1" })], T + 3000))[0],
      ).toEqual({ id: first?.id, duplicate: true });
      const later = await storage.queues.send(
        "acme",
        "jobs",
        [json(5, { deduplicationId: "d-1" })],
        T + 5 * 60_000 + 1,
      );
      expect(later[0]?.duplicate).toBe(false);
    });

    it("sets, shows and removes a consumer, checking its function and dead-letter queue", async () => {
      await storage.queues.create("acme", "jobs", {}, T);
      await storage.queues.create("acme", "failed", {}, T);
      expect(await storage.queues.getConsumer("acme", "jobs")).toBeUndefined();
      const consumer = await storage.queues.setConsumer(
        "acme",
        "jobs",
        { functionName: "worker", batchSize: 5, deadLetterQueue: "failed" },
        T,
      );
      expect(consumer).toEqual({
        functionName: "worker",
        batchSize: 5,
        maxWaitMs: 1000,
        maxRetries: 3,
        retryDelaySeconds: 0,
        concurrency: null,
        deadLetterQueue: "failed",
        updatedAt: T,
      });
      expect(await storage.queues.getConsumer("acme", "jobs")).toEqual(consumer);
      await expect(storage.queues.delete("acme", "failed")).rejects.toMatchObject({ code: "CONFLICT" });
      await expect(
        storage.queues.setConsumer("acme", "jobs", { functionName: "nope" }, T),
      ).rejects.toMatchObject({ code: "FUNCTION_NOT_FOUND" });
      await expect(
        storage.queues.setConsumer("acme", "jobs", { functionName: "worker", deadLetterQueue: "nope" }, T),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(
        storage.queues.setConsumer("acme", "jobs", { functionName: "worker", deadLetterQueue: "jobs" }, T),
      ).rejects.toMatchObject({ code: "INVALID_REQUEST" });
      await expect(
        storage.queues.setConsumer("acme", "jobs", { functionName: "worker", batchSize: 101 }, T),
      ).rejects.toMatchObject({ code: "INVALID_REQUEST" });
      expect(await storage.queues.getConsumer("acme", "jobs")).toEqual(consumer);
      await storage.queues.removeConsumer("acme", "jobs");
      expect(await storage.queues.getConsumer("acme", "jobs")).toBeUndefined();
      await expect(storage.queues.removeConsumer("acme", "jobs")).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      await storage.queues.delete("acme", "failed");
    });

    it("loses its consumer when the function is deleted", async () => {
      await storage.queues.create("acme", "jobs", {}, T);
      await storage.queues.setConsumer("acme", "jobs", { functionName: "worker" }, T);
      await storage.functions.delete("acme", "worker");
      expect(await storage.queues.getConsumer("acme", "jobs")).toBeUndefined();
    });
  });

  describe("delivery", () => {
    beforeEach(async () => {
      await storage.queues.create("acme", "jobs", {}, T);
      await storage.queues.create("acme", "stream", { ordered: true }, T);
    });

    it("leases full batches in send order, waits for a batch window, and deletes what completes", async () => {
      await storage.queues.setConsumer(
        "acme",
        "jobs",
        { functionName: "worker", batchSize: 3, maxWaitMs: 1000, concurrency: 10 },
        T,
      );
      await storage.queues.send(
        "acme",
        "jobs",
        [1, 2, 3, 4].map((n) => json(n)),
        T,
      );
      const first = await storage.queueDelivery.lease(T, "a", LEASE, 10);
      expect(first.batches.map(bodies)).toEqual([[1, 2, 3]]);
      expect(first.batches[0]).toMatchObject({ tenant: "acme", queue: "jobs", ordered: false });
      expect(first.batches[0]?.consumer.functionName).toBe("worker");
      expect(first.batches[0]?.messages[0]?.attempts).toBe(1);
      // The fourth waits for its window to close.
      expect(first.wakeAt).toBe(T + 1000);
      expect((await storage.queueDelivery.lease(T + 999, "a", LEASE, 10)).batches).toEqual([]);
      const second = await storage.queueDelivery.lease(T + 1000, "a", LEASE, 10);
      expect(second.batches.map(bodies)).toEqual([[4]]);
      expect(await storage.queues.stats("acme", "jobs", T + 1000)).toMatchObject({ depth: 4, inFlight: 4 });
      await storage.queueDelivery.complete(first.batches[0]?.messages.map((m) => m.id) ?? [], "a");
      // Another owner can not complete a lease it does not hold.
      await storage.queueDelivery.complete(second.batches[0]?.messages.map((m) => m.id) ?? [], "b");
      expect(await storage.queues.stats("acme", "jobs", T + 1000)).toMatchObject({ depth: 1, inFlight: 1 });
    });

    it("keeps a queue's batches in flight within its consumer's concurrency", async () => {
      await storage.queues.setConsumer(
        "acme",
        "jobs",
        { functionName: "worker", batchSize: 1, maxWaitMs: 0, concurrency: 2 },
        T,
      );
      await storage.queues.send(
        "acme",
        "jobs",
        [1, 2, 3, 4].map((n) => json(n)),
        T,
      );
      const first = await storage.queueDelivery.lease(T, "a", LEASE, 10);
      expect(first.batches.map(bodies)).toEqual([[1], [2]]);
      expect((await storage.queueDelivery.lease(T, "b", LEASE, 10)).batches).toEqual([]);
      await storage.queueDelivery.complete([first.batches[0]?.messages[0]?.id as string], "a");
      expect((await storage.queueDelivery.lease(T, "b", LEASE, 10)).batches.map(bodies)).toEqual([[3]]);
    });

    it("asks the caller for the concurrency of a consumer that leaves it to its function", async () => {
      await storage.queues.setConsumer(
        "acme",
        "jobs",
        { functionName: "worker", batchSize: 1, maxWaitMs: 0 },
        T,
      );
      await storage.queues.send(
        "acme",
        "jobs",
        [1, 2, 3, 4].map((n) => json(n)),
        T,
      );
      const asked: string[] = [];
      const leased = await storage.queueDelivery.lease(T, "a", LEASE, 10, (tenant, fn) => {
        asked.push(`${tenant}/${fn}`);
        return 3;
      });
      expect(leased.batches).toHaveLength(3);
      expect(asked).toEqual(["acme/worker"]);
    });

    it("retries with a count, releases without one, and delivers a delayed message when due", async () => {
      await storage.queues.setConsumer("acme", "jobs", { functionName: "worker", maxWaitMs: 0 }, T);
      await storage.queues.send("acme", "jobs", [json("a"), json("later", { delaySeconds: 10 })], T);
      const first = await storage.queueDelivery.lease(T, "a", LEASE, 10);
      expect(first.batches.map(bodies)).toEqual([["a"]]);
      expect(first.wakeAt).toBe(T + 10_000);
      const id = first.batches[0]?.messages[0]?.id as string;
      await storage.queueDelivery.retry(id, "a", T + 5000, "boom");
      expect(await storage.queues.stats("acme", "jobs", T)).toMatchObject({ delayed: 2, inFlight: 0 });
      const again = await storage.queueDelivery.lease(T + 5000, "a", LEASE, 10);
      expect(again.batches[0]?.messages.map((m) => [m.body, m.attempts])).toEqual([["a", 2]]);
      await storage.queueDelivery.release(id, "a", T + 5000);
      const third = await storage.queueDelivery.lease(T + 10_000, "a", LEASE, 10);
      expect(third.batches[0]?.messages.map((m) => [m.body, m.attempts])).toEqual([
        ["a", 2],
        ["later", 1],
      ]);
    });

    it("delivers an expired lease again, and releases an owner's leases on shutdown", async () => {
      await storage.queues.setConsumer("acme", "jobs", { functionName: "worker", maxWaitMs: 0 }, T);
      await storage.queues.send("acme", "jobs", [json(1)], T);
      const first = await storage.queueDelivery.lease(T, "a", LEASE, 10);
      expect(first.wakeAt).toBe(T + LEASE);
      expect((await storage.queueDelivery.lease(T + LEASE - 1, "b", LEASE, 10)).batches).toEqual([]);
      const taken = await storage.queueDelivery.lease(T + LEASE, "b", LEASE, 10);
      expect(taken.batches[0]?.messages[0]?.attempts).toBe(2);
      // The first owner's lease is gone: its completion changes nothing.
      await storage.queueDelivery.complete([taken.batches[0]?.messages[0]?.id as string], "a");
      expect((await storage.queues.stats("acme", "jobs", T + LEASE)).depth).toBe(1);
      expect(await storage.queueDelivery.releaseAll("b")).toBe(1);
      expect((await storage.queueDelivery.lease(T + LEASE, "c", LEASE, 10)).batches).toHaveLength(1);
    });

    it("keeps a lease alive while it is extended", async () => {
      await storage.queues.setConsumer("acme", "jobs", { functionName: "worker", maxWaitMs: 0 }, T);
      await storage.queues.send("acme", "jobs", [json(1)], T);
      const { batches } = await storage.queueDelivery.lease(T, "a", LEASE, 10);
      await storage.queueDelivery.extendLease(batches[0]?.batchId as string, "a", T + 2 * LEASE);
      expect((await storage.queueDelivery.lease(T + LEASE, "b", LEASE, 10)).batches).toEqual([]);
    });

    it("gives each ordered group one batch at a time, from its first message, groups side by side", async () => {
      await storage.queues.setConsumer(
        "acme",
        "stream",
        { functionName: "worker", batchSize: 2, maxWaitMs: 0, concurrency: 10 },
        T,
      );
      const send = (group: string, n: number) =>
        storage.queues.send("acme", "stream", [json(`${group}${n}`, { groupId: group })], T + n);
      for (let n = 1; n <= 3; n++) {
        await send("a", n);
        await send("b", n);
      }
      const first = await storage.queueDelivery.lease(T + 10, "w", LEASE, 10);
      expect(first.batches.map(bodies)).toEqual([
        ["a1", "a2"],
        ["b1", "b2"],
      ]);
      // Both groups are in flight: nothing more, though a3 and b3 are due.
      expect((await storage.queueDelivery.lease(T + 10, "w", LEASE, 10)).batches).toEqual([]);
      const [a, b] = first.batches as [QueueBatch, QueueBatch];
      // a1 done, a2 fails: a2 comes back first, before a3, once its retry is due.
      await storage.queueDelivery.complete([a.messages[0]?.id as string], "w");
      await storage.queueDelivery.retry(a.messages[1]?.id as string, "w", T + 1000, "boom");
      await storage.queueDelivery.complete(
        b.messages.map((m) => m.id),
        "w",
      );
      const next = await storage.queueDelivery.lease(T + 20, "w", LEASE, 10);
      expect(next.batches.map(bodies)).toEqual([["b3"]]);
      expect(next.wakeAt).toBe(T + 1000);
      const retried = await storage.queueDelivery.lease(T + 1000, "w", LEASE, 10);
      expect(retried.batches.map(bodies)).toEqual([["a2", "a3"]]);
      expect(retried.batches[0]?.messages.map((m) => m.attempts)).toEqual([2, 1]);
      expect(retried.batches[0]?.messages.map((m) => m.groupId)).toEqual(["a", "a"]);
    });

    it("moves a message that failed for good to the dead-letter queue, keeping its id and body", async () => {
      await storage.queues.create("acme", "failed", {}, T);
      await storage.queues.setConsumer(
        "acme",
        "jobs",
        { functionName: "worker", maxWaitMs: 0, deadLetterQueue: "failed" },
        T,
      );
      await storage.queues.send("acme", "jobs", [json({ n: 1 }, { attributes: { kind: "x" } })], T);
      const { batches } = await storage.queueDelivery.lease(T, "a", LEASE, 10);
      const message = batches[0]?.messages[0];
      expect(await storage.queueDelivery.deadLetter(message?.id as string, "a", "boom", T + 1)).toBe("queue");
      expect((await storage.queues.stats("acme", "jobs", T + 1)).depth).toBe(0);
      expect((await storage.queues.stats("acme", "failed", T + 1)).depth).toBe(1);
      await storage.queues.setConsumer("acme", "failed", { functionName: "audit", maxWaitMs: 0 }, T);
      const moved = await storage.queueDelivery.lease(T + 2, "a", LEASE, 10);
      expect(moved.batches[0]?.queue).toBe("failed");
      expect(moved.batches[0]?.messages[0]).toMatchObject({
        id: message?.id,
        body: { n: 1 },
        attributes: { kind: "x" },
        attempts: 1,
      });
    });

    it("dead-letters to the consumer function's dead letters without a dead-letter queue, to redrive", async () => {
      await storage.queues.setConsumer("acme", "jobs", { functionName: "worker", maxWaitMs: 0 }, T);
      await storage.queues.send("acme", "jobs", [json("lost?", { attributes: { a: 1 } })], T);
      const { batches } = await storage.queueDelivery.lease(T, "a", LEASE, 10);
      const id = batches[0]?.messages[0]?.id as string;
      expect(await storage.queueDelivery.deadLetter(id, "b", "not mine", T + 1)).toBe("kept");
      expect(await storage.queueDelivery.deadLetter(id, "a", "boom", T + 1)).toBe("function");
      expect((await storage.queues.stats("acme", "jobs", T + 1)).depth).toBe(0);
      const [dead] = await storage.deadLetters.list("acme", "worker");
      expect(dead).toMatchObject({
        id,
        kind: "queue",
        attempts: 1,
        reason: "maxRetries",
        lastError: "boom",
        payload: {
          kind: "queue",
          queue: "jobs",
          messages: [{ id, body: "lost?", attempts: 0, contentType: "json", attributes: { a: 1 } }],
        },
      });
      await storage.deadLetters.redrive("acme", "worker", id, T + 2);
      expect((await storage.events.depth("acme", "worker")).count).toBe(1);
    });

    it("deletes messages past their queue's retention", async () => {
      await storage.queues.create("acme", "brief", { retentionSeconds: 60 }, T);
      await storage.queues.send("acme", "brief", [json(1)], T);
      await storage.queues.send("acme", "brief", [json(2)], T + 30_000);
      expect(await storage.queueDelivery.purgeExpired(T + 59_999)).toBe(0);
      expect(await storage.queueDelivery.purgeExpired(T + 60_000)).toBe(1);
      expect((await storage.queues.stats("acme", "brief", T + 60_000)).depth).toBe(1);
    });

    if (share !== undefined) {
      it("never leases one message to two processes sharing the data", async () => {
        await storage.queues.setConsumer(
          "acme",
          "jobs",
          { functionName: "worker", batchSize: 3, maxWaitMs: 0, concurrency: 1000 },
          T,
        );
        await storage.queues.send(
          "acme",
          "jobs",
          Array.from({ length: 90 }, (_, n) => json(n)),
          T,
        );
        const other = await share(storage);
        try {
          const leases = await Promise.all(
            Array.from({ length: 20 }, (_, i) =>
              (i % 2 === 0 ? storage : other).queueDelivery.lease(T, `p${i}`, LEASE, 2),
            ),
          );
          const ids = leases.flatMap((l) => l.batches.flatMap((b) => b.messages.map((m) => m.id)));
          expect(ids).toHaveLength(90);
          expect(new Set(ids).size).toBe(90);
        } finally {
          await other.close();
        }
      });
    }
  });

  describe("topics", () => {
    beforeEach(async () => {
      await storage.topics.create("acme", "events", T);
      await storage.queues.create("acme", "inbox", {}, T);
    });

    it("creates, lists and deletes topics; subscribes functions and queues", async () => {
      await expect(storage.topics.create("acme", "events", T)).rejects.toMatchObject({ code: "CONFLICT" });
      await expect(storage.topics.create("acme", "Bad", T)).rejects.toMatchObject({ code: "INVALID_NAME" });
      const a = await storage.topics.subscribe("acme", "events", { functionName: "worker" }, T);
      const b = await storage.topics.subscribe(
        "acme",
        "events",
        { queue: "inbox", filterPolicy: { color: ["red"] } },
        T + 1,
      );
      expect(b).toMatchObject({ topic: "events", functionName: null, queue: "inbox" });
      expect(await storage.topics.subscriptions("acme", "events")).toEqual([a, b]);
      expect(await storage.topics.list("acme")).toEqual([
        { tenant: "acme", name: "events", createdAt: T, subscriptions: 2 },
      ]);
      await expect(
        storage.topics.subscribe("acme", "events", { functionName: "worker", queue: "inbox" }, T),
      ).rejects.toMatchObject({ code: "INVALID_REQUEST" });
      await expect(storage.topics.subscribe("acme", "events", {}, T)).rejects.toMatchObject({
        code: "INVALID_REQUEST",
      });
      await expect(
        storage.topics.subscribe("acme", "events", { functionName: "nope" }, T),
      ).rejects.toMatchObject({ code: "FUNCTION_NOT_FOUND" });
      await expect(storage.topics.subscribe("acme", "events", { queue: "nope" }, T)).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      await storage.topics.unsubscribe("acme", "events", a.id);
      await expect(storage.topics.unsubscribe("acme", "events", a.id)).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      expect(await storage.topics.subscriptions("acme", "events")).toEqual([b]);
      await storage.topics.delete("acme", "events");
      expect(await storage.topics.get("acme", "events")).toBeUndefined();
      await expect(storage.topics.publish("acme", "events", { message: 1 }, T)).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
    });

    it("fans a publication out to each matching subscription: events for functions, messages for queues", async () => {
      await storage.topics.subscribe("acme", "events", { functionName: "worker" }, T);
      await storage.topics.subscribe(
        "acme",
        "events",
        { functionName: "audit", filterPolicy: { n: [1] } },
        T,
      );
      await storage.topics.subscribe("acme", "events", { queue: "inbox", filterPolicy: { n: [2] } }, T);
      const one = await storage.topics.publish(
        "acme",
        "events",
        { message: { hello: 1 }, attributes: { n: 1 } },
        T,
      );
      expect(one.deliveries).toBe(2);
      const two = await storage.topics.publish(
        "acme",
        "events",
        { message: "plain", attributes: { n: 2 } },
        T,
      );
      expect(two.deliveries).toBe(2);
      expect((await storage.events.depth("acme", "worker")).count).toBe(2);
      expect((await storage.events.depth("acme", "audit")).count).toBe(1);
      expect((await storage.queues.stats("acme", "inbox", T)).depth).toBe(1);

      const events = await storage.events.lease(T, 10, "a", LEASE);
      const audit = events.find((e) => e.functionName === "audit");
      expect(audit?.kind).toBe("queue");
      expect(audit?.payload).toMatchObject({
        kind: "queue",
        queue: "events",
        messages: [{ id: one.messageId, body: { hello: 1 }, attributes: { n: 1 } }],
        lambdaEvent: {
          Records: [
            {
              EventSource: "aws:sns",
              Sns: {
                MessageId: one.messageId,
                TopicArn: "arn:skiff:sns:local:acme:events",
                Message: '{"hello":1}',
                MessageAttributes: { n: { Type: "Number", Value: "1" } },
              },
            },
          ],
        },
      });
      await storage.queues.setConsumer("acme", "inbox", { functionName: "worker", maxWaitMs: 0 }, T);
      const { batches } = await storage.queueDelivery.lease(T, "a", LEASE, 10);
      expect(batches[0]?.messages[0]).toMatchObject({ body: "plain", attributes: { n: 2 } });
    });

    it("publishes all or none: a subscriber that refuses the message keeps it from every other", async () => {
      await storage.queues.create("acme", "tiny", { maxMessageBytes: 1024 }, T);
      await storage.topics.subscribe("acme", "events", { functionName: "worker" }, T);
      await storage.topics.subscribe("acme", "events", { queue: "inbox" }, T);
      await storage.topics.subscribe("acme", "events", { queue: "tiny" }, T);
      await expect(
        storage.topics.publish("acme", "events", { message: "x".repeat(2000) }, T),
      ).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
      expect((await storage.events.depth("acme", "worker")).count).toBe(0);
      expect((await storage.queues.stats("acme", "inbox", T)).depth).toBe(0);
    });

    it("gives an ordered queue subscriber the publication's group, or the topic's name", async () => {
      await storage.queues.create("acme", "ordered", { ordered: true }, T);
      await storage.queues.setConsumer("acme", "ordered", { functionName: "worker", maxWaitMs: 0 }, T);
      await storage.topics.subscribe("acme", "events", { queue: "ordered" }, T);
      await storage.topics.publish("acme", "events", { message: 1, groupId: "g1" }, T);
      await storage.topics.publish("acme", "events", { message: 2 }, T);
      const { batches } = await storage.queueDelivery.lease(T, "a", LEASE, 10, () => 10);
      expect(batches.map((b) => b.messages.map((m) => m.groupId)).sort()).toEqual([["events"], ["g1"]]);
    });
  });
}
