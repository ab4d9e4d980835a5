import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type SqliteHarness, startSqliteHarness } from "../testing/sqlite-harness.js";

const Q = "/api/v1/tenants/acme/queues";

let h: SqliteHarness;
beforeEach(async () => {
  h = await startSqliteHarness();
});
afterEach(async () => {
  await h.close();
});

async function queue(name: string, extra: Record<string, unknown> = {}) {
  const reply = await h.call("POST", Q, { body: { name, ...extra } });
  if (reply.status !== 201) throw new Error(`create queue failed: ${JSON.stringify(reply.json)}`);
  return reply.json.queue;
}

describe("queues", () => {
  it("creates a queue (201) and shows it with an empty backlog; refuses a second one with 409", async () => {
    const created = await h.call("POST", Q, { key: h.acmeKey, body: { name: "jobs" } });
    expect(created.status).toBe(201);
    expect(created.json.queue).toEqual({
      tenant: "acme",
      name: "jobs",
      ordered: false,
      maxMessageBytes: 262_144,
      retentionSeconds: 345_600,
      createdAt: h.clock.now,
      depth: 0,
      inFlight: 0,
      delayed: 0,
      oldestMessageAt: null,
      oldestMessageAgeMs: null,
      consumer: null,
    });
    expect((await h.call("POST", Q, { body: { name: "jobs" } })).status).toBe(409);
    expect((await h.call("GET", Q)).json.queues.map((q: { name: string }) => q.name)).toEqual(["jobs"]);
    // Another tenant's key sees none of it.
    expect((await h.call("GET", `${Q}/jobs`, { key: h.otherKey })).status).toBe(403);
  });

  it.each([
    [{ name: "Jobs" }, 400, "INVALID_NAME"],
    [{ name: "jobs", extra: 1 }, 400, "INVALID_REQUEST"],
    [{ name: "jobs", maxMessageBytes: 10 }, 400, "INVALID_REQUEST"],
    [{ name: "jobs", ordered: "yes" }, 400, "INVALID_REQUEST"],
    [{}, 400, "INVALID_REQUEST"],
  ])("refuses %j", async (body, status, code) => {
    const reply = await h.call("POST", Q, { body });
    expect(reply.status).toBe(status);
    expect(reply.json.error.code).toBe(code);
    expect((await h.call("GET", Q)).json.queues).toEqual([]);
  });

  it("accepts one message or a batch (202) and shows the depth and the oldest message's age", async () => {
    await queue("jobs");
    const one = await h.call("POST", `${Q}/jobs/messages`, { body: { body: { n: 1 } } });
    expect(one.status).toBe(202);
    expect(one.json.messages).toHaveLength(1);
    h.clock.now += 5000;
    const batch = await h.call("POST", `${Q}/jobs/messages`, {
      body: {
        messages: [
          { body: "text", contentType: "text" },
          { body: Buffer.from("bytes").toString("base64"), contentType: "bytes", delaySeconds: 60 },
          { body: [1, 2], attributes: { kind: "list" } },
        ],
      },
    });
    expect(batch.status).toBe(202);
    expect(batch.json.messages.map((m: { duplicate: boolean }) => m.duplicate)).toEqual([
      false,
      false,
      false,
    ]);
    h.clock.now += 1000;
    const shown = (await h.call("GET", `${Q}/jobs`)).json.queue;
    expect(shown).toMatchObject({ depth: 4, delayed: 1, oldestMessageAgeMs: 6000 });
  });

  it.each([
    ["no body", {}, "INVALID_REQUEST"],
    ["a bad content type", { body: 1, contentType: "xml" }, "INVALID_REQUEST"],
    ["text that is not a string", { body: 1, contentType: "text" }, "INVALID_REQUEST"],
    ["bytes that are not base64", { body: "%%%", contentType: "bytes" }, "INVALID_REQUEST"],
    ["a delay past 12 hours", { body: 1, delaySeconds: 43_201 }, "INVALID_REQUEST"],
    ["bad attributes", { body: 1, attributes: { "a b": 1 } }, "INVALID_REQUEST"],
    ["a groupId on a standard queue", { body: 1, groupId: "g" }, "INVALID_REQUEST"],
    ["an empty batch", { messages: [] }, "INVALID_REQUEST"],
    ["a batch of 101", { messages: Array.from({ length: 101 }, () => ({ body: 1 })) }, "INVALID_REQUEST"],
    ["a batch with more beside it", { messages: [{ body: 1 }], x: 1 }, "INVALID_REQUEST"],
  ])("refuses a send with %s and stores nothing", async (_what, body, code) => {
    await queue("jobs");
    const reply = await h.call("POST", `${Q}/jobs/messages`, { body });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe(code);
    expect((await h.call("GET", `${Q}/jobs`)).json.queue.depth).toBe(0);
  });

  it("refuses a message over the queue's size limit with 413, and a batch with one as a whole", async () => {
    await queue("small", { maxMessageBytes: 1024 });
    const reply = await h.call("POST", `${Q}/small/messages`, {
      body: { messages: [{ body: "ok" }, { body: "x".repeat(1100) }] },
    });
    expect(reply.status).toBe(413);
    expect(reply.json.error.code).toBe("PAYLOAD_TOO_LARGE");
    expect((await h.call("GET", `${Q}/small`)).json.queue.depth).toBe(0);
    expect((await h.call("POST", `${Q}/nope/messages`, { body: { body: 1 } })).status).toBe(404);
  });

  it("folds a resent deduplicationId into the first message", async () => {
    await queue("stream", { ordered: true });
    const first = await h.call("POST", `${Q}/stream/messages`, {
      body: { body: 1, groupId: "g", deduplicationId: "d" },
    });
    const again = await h.call("POST", `${Q}/stream/messages`, {
      body: { body: 2, groupId: "g", deduplicationId: "d" },
    });
    expect(again.json.messages).toEqual([{ id: first.json.messages[0].id, duplicate: true }]);
    const missingGroup = await h.call("POST", `${Q}/stream/messages`, { body: { body: 3 } });
    expect(missingGroup.status).toBe(400);
  });

  it("sets, shows and removes a consumer", async () => {
    await queue("jobs");
    await queue("failed");
    await h.deploy("worker");
    const set = await h.call("PUT", `${Q}/jobs/consumer`, {
      body: { function: "worker", batchSize: 5, maxWaitMs: 200, maxRetries: 1, deadLetterQueue: "failed" },
    });
    expect(set.status).toBe(200);
    expect(set.json.consumer).toEqual({
      function: "worker",
      batchSize: 5,
      maxWaitMs: 200,
      maxRetries: 1,
      retryDelaySeconds: 0,
      concurrency: null,
      deadLetterQueue: "failed",
      updatedAt: h.clock.now,
    });
    expect((await h.call("GET", `${Q}/jobs`)).json.queue.consumer.function).toBe("worker");
    expect((await h.call("GET", `${Q}/jobs/consumer`)).json.consumer.batchSize).toBe(5);
    expect((await h.call("DELETE", `${Q}/failed`)).status).toBe(409);
    const missing = await h.call("PUT", `${Q}/jobs/consumer`, { body: { function: "nope" } });
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe("FUNCTION_NOT_FOUND");
    const bad = await h.call("PUT", `${Q}/jobs/consumer`, { body: { function: "worker", batchSize: 0 } });
    expect(bad.status).toBe(400);
    expect((await h.call("DELETE", `${Q}/jobs/consumer`)).status).toBe(200);
    expect((await h.call("GET", `${Q}/jobs/consumer`)).status).toBe(404);
    expect((await h.call("DELETE", `${Q}/failed`)).json).toEqual({ deleted: true, name: "failed" });
  });

  it("counts sends against the tenant's asyncEventsPerMinute quota", async () => {
    await queue("jobs");
    const quota = await h.call("PUT", "/api/v1/tenants/acme/quotas", { body: { asyncEventsPerMinute: 3 } });
    expect(quota.status).toBe(200);
    const batch = await h.call("POST", `${Q}/jobs/messages`, {
      body: { messages: [{ body: 1 }, { body: 2 }] },
    });
    expect(batch.status).toBe(202);
    const over = await h.call("POST", `${Q}/jobs/messages`, {
      body: { messages: [{ body: 3 }, { body: 4 }] },
    });
    expect(over.status).toBe(429);
    expect(over.json.error.code).toBe("RATE_LIMITED");
    expect((await h.call("GET", `${Q}/jobs`)).json.queue.depth).toBe(2);
  });
});

describe("message bodies", () => {
  it("may be JSON null, as a message and as a publication", async () => {
    await queue("jobs");
    expect((await h.call("POST", `${Q}/jobs/messages`, { body: { body: null } })).status).toBe(202);
    expect((await h.call("POST", "/api/v1/tenants/acme/topics", { body: { name: "t" } })).status).toBe(201);
    expect(
      (await h.call("POST", "/api/v1/tenants/acme/topics/t/publish", { body: { message: null } })).status,
    ).toBe(202);
    expect((await h.call("GET", `${Q}/jobs`)).json.queue.depth).toBe(1);
  });
});
