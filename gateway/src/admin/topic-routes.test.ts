import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type SqliteHarness, startSqliteHarness } from "../testing/sqlite-harness.js";

const TOPICS = "/api/v1/tenants/acme/topics";
const QUEUES = "/api/v1/tenants/acme/queues";

let h: SqliteHarness;
beforeEach(async () => {
  h = await startSqliteHarness();
  expect((await h.call("POST", TOPICS, { body: { name: "events" } })).status).toBe(201);
});
afterEach(async () => {
  await h.close();
});

describe("topics", () => {
  it("lists, shows and deletes topics", async () => {
    expect((await h.call("GET", TOPICS)).json).toEqual({
      topics: [{ tenant: "acme", name: "events", createdAt: h.clock.now, subscriptions: 0 }],
    });
    expect((await h.call("POST", TOPICS, { body: { name: "events" } })).status).toBe(409);
    expect((await h.call("POST", TOPICS, { body: { name: "Bad!" } })).status).toBe(400);
    expect((await h.call("GET", `${TOPICS}/events`)).json.subscriptions).toEqual([]);
    expect((await h.call("GET", `${TOPICS}/events`, { key: h.otherKey })).status).toBe(403);
    expect((await h.call("DELETE", `${TOPICS}/events`)).status).toBe(200);
    expect((await h.call("GET", `${TOPICS}/events`)).status).toBe(404);
  });

  it("subscribes functions and queues with filter policies, and unsubscribes them", async () => {
    await h.deploy("audit");
    await h.call("POST", QUEUES, { body: { name: "inbox" } });
    const fn = await h.call("POST", `${TOPICS}/events/subscriptions`, {
      body: { function: "audit", filterPolicy: { color: ["red", { prefix: "bl" }] } },
    });
    expect(fn.status).toBe(201);
    expect(fn.json.subscription).toMatchObject({
      topic: "events",
      function: "audit",
      queue: null,
      filterPolicy: { color: ["red", { prefix: "bl" }] },
    });
    const q = await h.call("POST", `${TOPICS}/events/subscriptions`, { body: { queue: "inbox" } });
    expect(q.json.subscription).toMatchObject({ function: null, queue: "inbox", filterPolicy: null });
    const listed = await h.call("GET", `${TOPICS}/events/subscriptions`);
    expect(listed.json.subscriptions.map((s: { id: string }) => s.id)).toEqual([
      fn.json.subscription.id,
      q.json.subscription.id,
    ]);
    const removed = await h.call("DELETE", `${TOPICS}/events/subscriptions/${fn.json.subscription.id}`);
    expect(removed.status).toBe(200);
    expect((await h.call("GET", `${TOPICS}/events`)).json.topic.subscriptions).toBe(1);
  });

  it.each([
    ["both targets", { function: "audit", queue: "inbox" }, 400],
    ["no target", {}, 400],
    ["a bad filter policy", { function: "audit", filterPolicy: { color: [{ suffix: "x" }] } }, 400],
    ["an unknown function", { function: "nope" }, 404],
    ["an unknown queue", { queue: "nope" }, 404],
  ])("refuses a subscription with %s", async (_what, body, status) => {
    await h.deploy("audit");
    await h.call("POST", QUEUES, { body: { name: "inbox" } });
    const reply = await h.call("POST", `${TOPICS}/events/subscriptions`, { body });
    expect(reply.status).toBe(status);
    expect((await h.call("GET", `${TOPICS}/events/subscriptions`)).json.subscriptions).toEqual([]);
  });

  it("publishes (202) one delivery per matching subscription", async () => {
    await h.deploy("audit");
    await h.call("POST", QUEUES, { body: { name: "inbox" } });
    await h.call("POST", `${TOPICS}/events/subscriptions`, {
      body: { function: "audit", filterPolicy: { n: [{ numeric: [">", 5] }] } },
    });
    await h.call("POST", `${TOPICS}/events/subscriptions`, { body: { queue: "inbox" } });
    const low = await h.call("POST", `${TOPICS}/events/publish`, {
      body: { message: "a", attributes: { n: 1 } },
    });
    expect(low.status).toBe(202);
    expect(low.json).toMatchObject({ deliveries: 1 });
    expect(typeof low.json.messageId).toBe("string");
    const high = await h.call("POST", `${TOPICS}/events/publish`, {
      body: { message: { b: 1 }, attributes: { n: 9 } },
    });
    expect(high.json.deliveries).toBe(2);
    expect((await h.call("GET", `${QUEUES}/inbox`)).json.queue.depth).toBe(2);
    expect((await h.storage.events.depth("acme", "audit")).count).toBe(1);
  });

  it.each([
    ["no message", {}, 400],
    ["bad attributes", { message: 1, attributes: { n: { x: 1 } } }, 400],
    ["a message over 256 KB", { message: "x".repeat(300 * 1024) }, 413],
  ])("refuses a publication with %s", async (_what, body, status) => {
    await h.deploy("audit");
    await h.call("POST", `${TOPICS}/events/subscriptions`, { body: { function: "audit" } });
    expect((await h.call("POST", `${TOPICS}/events/publish`, { body })).status).toBe(status);
    expect((await h.storage.events.depth("acme", "audit")).count).toBe(0);
    expect((await h.call("POST", `${TOPICS}/nope/publish`, { body: { message: 1 } })).status).toBe(404);
  });
});
