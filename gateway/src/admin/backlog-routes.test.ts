import { afterEach, describe, expect, it } from "vitest";
import { type SqliteHarness, startSqliteHarness } from "../testing/sqlite-harness.js";

let h: SqliteHarness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("GET /api/v1/backlog", () => {
  it("counts undelivered events per tenant and kind, with the age of the oldest", async () => {
    h = await startSqliteHarness();
    await h.deploy("worker");
    const created = h.clock.now;
    for (let i = 0; i < 3; i++) {
      await h.storage.events.enqueue(
        { tenant: "acme", functionName: "worker", kind: "invoke", payload: { kind: "invoke", payload: i } },
        created,
      );
    }
    h.clock.now += 5_000;
    const reply = await h.call("GET", "/api/v1/backlog");
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      events: [{ tenant: "acme", kind: "invoke", count: 3, oldestCreatedAt: created, oldestAgeMs: 5_000 }],
      queueMessages: [],
      deadLetters: [],
    });
  });

  it("is the operator's alone", async () => {
    h = await startSqliteHarness();
    const reply = await h.call("GET", "/api/v1/backlog", { key: h.acmeKey });
    expect(reply.status).toBe(403);
  });
});
