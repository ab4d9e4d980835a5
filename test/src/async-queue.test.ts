// Issue 4, item 4: the async event queue on the real server — `invoke?async=1` acknowledged once committed,
// every event delivered exactly once (again only after a failure), Idempotency-Key duplicates folded into one
// event, failures retried up to maxAttempts and then dead-lettered, redrive and delete, the payload limit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Collector, startCollector } from "./collector.js";
import { AdminClient, type Answer, waitFor } from "./skiff-api.js";
import { type SkiffServer, startSkiff } from "./skiff-server.js";

const FN = "/tenants/default/functions";

let collector: Collector;
let server: SkiffServer;
let admin: AdminClient;

beforeAll(async () => {
  collector = await startCollector();
  server = await startSkiff({ env: { SKIFF_EGRESS_ALLOW: collector.hostPort } });
  admin = new AdminClient(server, server.defaultKey);
});

afterAll(async () => {
  expect(await server.stop()).toBe(0);
  await collector.close();
});

/**
 * A Lambda handler that reports each delivery (`id` = the event's stable id) and then, as the event asks: waits
 * `delayMs`, fails on its first delivery (`failFirst`), or always fails (`failAlways`).
 */
const REPORTING_LAMBDA = (url: string, label: string) => `
export const handler = async (event, context) => {
  const answer = await fetch(${JSON.stringify(url)}, {
    method: "POST",
    body: JSON.stringify({ id: context.awsRequestId, label: ${JSON.stringify(label)}, event }),
  });
  const { seen } = await answer.json();
  if (event.delayMs) await new Promise((resolve) => setTimeout(resolve, event.delayMs));
  if (event.failAlways) throw new Error("always failing: " + event.n);
  if (event.failFirst && seen === 1) throw new Error("injected failure: " + event.n);
  return { ok: true };
};`;

function invokeAsync(name: string, payload: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return admin.call("POST", `${FN}/${name}/invoke?async=1`, payload, headers);
}

async function mustEnqueue(name: string, payload: unknown, headers: Record<string, string> = {}) {
  const answer = await invokeAsync(name, payload, headers);
  if (answer.status !== 202) throw new Error(`async invoke answered ${answer.status}: ${answer.text}`);
  return answer.json as { eventId: string; duplicate: boolean };
}

/** Runs `task` for 0..count-1 with at most `width` at a time. */
async function inParallel<T>(count: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
  return results;
}

interface DeadLetter {
  id: string;
  kind: string;
  payload: unknown;
  idempotencyKey: string | null;
  attempts: number;
  reason: string;
  lastError: string | null;
}

async function deadLetters(name: string): Promise<DeadLetter[]> {
  const answer = await admin.call("GET", `${FN}/${name}/dead-letters`);
  expect(answer.status).toBe(200);
  return answer.json.deadLetters;
}

describe("async invoke", () => {
  it("delivers 1 000 events, each exactly once, and only a failed first delivery again", {
    timeout: 150_000,
  }, async () => {
    await admin.mustDeploy("sink", REPORTING_LAMBDA(collector.url, "sink"), {
      concurrency: 10,
      async: { maxAttempts: 3, minBackoffMs: 100 },
    });
    const COUNT = 1000;
    const failFirst = (n: number) => n % 100 === 37;
    const acknowledged = await inParallel(COUNT, 20, (n) =>
      mustEnqueue("sink", { n, ...(failFirst(n) ? { failFirst: true } : {}) }),
    );
    const ids = acknowledged.map((a) => a.eventId);
    expect(new Set(ids).size).toBe(COUNT);
    expect(acknowledged.every((a) => a.duplicate === false)).toBe(true);

    await waitFor(
      "every acknowledged event delivered (and the injected failures delivered again)",
      async () => (ids.every((id, n) => collector.count(id) >= (failFirst(n) ? 2 : 1)) ? true : undefined),
      120_000,
    );
    const sinkReports = collector.reports.filter((r) => r.body.label === "sink");
    const unknown = sinkReports.filter((r) => !ids.includes(r.body.id));
    expect(unknown).toEqual([]);
    for (const [n, id] of ids.entries()) {
      const reports = sinkReports.filter((r) => r.body.id === id);
      // Each delivery carries its own payload; the id is the same on the retry.
      expect(reports.map((r) => r.body.event.n)).toEqual(failFirst(n) ? [n, n] : [n]);
    }
    expect(sinkReports).toHaveLength(COUNT + COUNT / 100);
    expect(await deadLetters("sink")).toEqual([]);
  });

  it("folds Idempotency-Key duplicates into one event with the key as its stable id", async () => {
    await admin.mustDeploy("keyed", REPORTING_LAMBDA(collector.url, "keyed"), {
      async: { maxAttempts: 3, minBackoffMs: 100 },
    });
    const key = "order-4711:created";
    // The handler holds the event for a second, so every duplicate arrives while the first is still queued.
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        invokeAsync("keyed", { n: i, delayMs: 1000 }, { "idempotency-key": key }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    const eventIds = new Set(answers.map((a) => a.json.eventId));
    expect(eventIds.size).toBe(1);
    expect(answers.filter((a) => a.json.duplicate === false)).toHaveLength(1);
    expect(answers.filter((a) => a.json.duplicate === true)).toHaveLength(4);

    await waitFor("the keyed event's delivery", async () => (collector.count(key) >= 1 ? true : undefined));
    // A different key is a different event, delivered on its own, after the first one.
    const other = await mustEnqueue("keyed", { n: 99 }, { "idempotency-key": `${key}-other` });
    expect(eventIds.has(other.eventId)).toBe(false);
    await waitFor("the other key's delivery", async () =>
      collector.count(`${key}-other`) >= 1 ? true : undefined,
    );
    expect(collector.count(key)).toBe(1);
    expect(await deadLetters("keyed")).toEqual([]);
  });

  it("treats a producer's retry with the same Idempotency-Key after delivery as a duplicate", async () => {
    // The producer's usual reason to resend: it did not see the 202 (timeout, dropped connection) and tries
    // again seconds later, by which time the first event may have been delivered.
    await admin.mustDeploy("keyed-again", REPORTING_LAMBDA(collector.url, "keyed-again"));
    const key = "payment-42:captured";
    const first = await mustEnqueue("keyed-again", { n: 1 }, { "idempotency-key": key });
    await waitFor("the first delivery, finished", async () => {
      const records = (await admin.invocations("keyed-again")).json.invocations as unknown[];
      return collector.count(key) >= 1 && records.length >= 1 ? true : undefined;
    });
    const again = await mustEnqueue("keyed-again", { n: 1 }, { "idempotency-key": key });
    expect(again).toEqual({ eventId: first.eventId, duplicate: true });
  });

  it("gives a Workers module the payload as a JSON POST with x-skiff-event-id", async () => {
    await admin.mustDeploy(
      "workers-sink",
      `export default {
        async fetch(request, env) {
          await fetch(env.COLLECTOR, {
            method: "POST",
            body: JSON.stringify({
              id: request.headers.get("x-skiff-event-id"),
              method: request.method,
              contentType: request.headers.get("content-type"),
              body: await request.json(),
            }),
          });
          return new Response("ok");
        },
      };`,
      { vars: { COLLECTOR: collector.url } },
    );
    const plain = await mustEnqueue("workers-sink", { hello: "workers" });
    const keyed = await mustEnqueue("workers-sink", { hello: "keyed" }, { "idempotency-key": "w-key-1" });
    await waitFor("both Workers deliveries", async () =>
      collector.count(plain.eventId) >= 1 && collector.count("w-key-1") >= 1 ? true : undefined,
    );
    const byId = (id: string) => collector.reports.find((r) => r.body.id === id)?.body;
    expect(byId(plain.eventId)).toEqual({
      id: plain.eventId,
      method: "POST",
      contentType: "application/json",
      body: { hello: "workers" },
    });
    expect(byId("w-key-1")).toMatchObject({ body: { hello: "keyed" } });
    expect(keyed.duplicate).toBe(false);
  });

  it("refuses a payload over 256 KB with 413 and accepts one just under", async () => {
    await admin.mustDeploy("big", REPORTING_LAMBDA(collector.url, "big"));
    const wrap = (size: number) => JSON.stringify({ pad: "x".repeat(size - '{"pad":""}'.length) });
    expect(Buffer.byteLength(wrap(256 * 1024))).toBe(256 * 1024);
    const over = await invokeAsync("big", wrap(256 * 1024 + 1), { "content-type": "application/json" });
    expect({ status: over.status, code: over.json?.error?.code }).toEqual({
      status: 413,
      code: "PAYLOAD_TOO_LARGE",
    });
    const under = await invokeAsync("big", wrap(256 * 1024), { "content-type": "application/json" });
    expect(under.status).toBe(202);
    await waitFor("the largest accepted payload's delivery", async () =>
      collector.count(under.json.eventId) >= 1 ? true : undefined,
    );
    const delivered = collector.reports.find((r) => r.body.id === under.json.eventId);
    expect(delivered?.body.event.pad).toHaveLength(256 * 1024 - '{"pad":""}'.length);
  });

  it("refuses async invokes of a missing function or with a bad Idempotency-Key", async () => {
    const missing = await invokeAsync("nobody", { n: 1 });
    expect({ status: missing.status, code: missing.json?.error?.code }).toEqual({
      status: 404,
      code: "FUNCTION_NOT_FOUND",
    });
    const badKey = await invokeAsync("big", { n: 1 }, { "idempotency-key": "has spaces" });
    expect({ status: badKey.status, code: badKey.json?.error?.code }).toEqual({
      status: 400,
      code: "INVALID_REQUEST",
    });
  });
});

describe("dead letters", () => {
  it("hold an event that failed maxAttempts times, with reason and last error; redrive delivers it", async () => {
    const name = "always-fails";
    await admin.mustDeploy(name, REPORTING_LAMBDA(collector.url, name), {
      async: { maxAttempts: 3, minBackoffMs: 100 },
    });
    const { eventId } = await mustEnqueue(name, { n: "doomed", failAlways: true });

    const [letter] = await waitFor(
      "the dead letter",
      async () => {
        const list = await deadLetters(name);
        return list.length > 0 ? list : undefined;
      },
      20_000,
    );
    expect(letter).toMatchObject({ id: eventId, kind: "invoke", attempts: 3, reason: "maxAttempts" });
    expect(letter?.lastError).toMatch(/always failing: doomed/);
    expect(JSON.stringify(letter?.payload)).toContain('"failAlways":true');
    // One delivery per attempt, all with the same stable id, and none after it was dead-lettered.
    expect(collector.count(eventId)).toBe(3);
    const failed = await waitFor("the three failed invocation records", async () => {
      const list = (await admin.invocations(name)).json.invocations as Array<{
        trigger: string;
        outcome: string;
      }>;
      return list.length >= 3 ? list : undefined;
    });
    expect(failed.map((r) => [r.trigger, r.outcome])).toEqual([
      ["invoke", "exception"],
      ["invoke", "exception"],
      ["invoke", "exception"],
    ]);

    // The fix: a version that succeeds (the payload still says failAlways; this handler ignores it).
    await admin.mustDeploy(
      name,
      `export const handler = async (event, context) => {
        await fetch(${JSON.stringify(collector.url)}, {
          method: "POST",
          body: JSON.stringify({ id: context.awsRequestId, fixed: true, event }),
        });
        return { ok: true };
      };`,
    );
    const redriven = await admin.call("POST", `${FN}/${name}/dead-letters/${eventId}/redrive`);
    expect(redriven.status).toBe(200);
    await waitFor("the redriven delivery", async () => (collector.count(eventId) >= 4 ? true : undefined));
    const last = collector.reports.filter((r) => r.body.id === eventId).at(-1);
    expect(last?.body).toMatchObject({ fixed: true, event: { n: "doomed", failAlways: true } });
    expect(await deadLetters(name)).toEqual([]);
  });

  it("are removed by DELETE, and an unknown id is 404", async () => {
    const name = "fails-once";
    await admin.mustDeploy(name, REPORTING_LAMBDA(collector.url, name), { async: { maxAttempts: 1 } });
    const { eventId } = await mustEnqueue(
      name,
      { n: "gone", failAlways: true },
      { "idempotency-key": "gone-1" },
    );
    await waitFor("the dead letter", async () =>
      (await deadLetters(name)).some((d) => d.id === eventId) ? true : undefined,
    );
    // While dead-lettered, the key still counts: a producer's retry is not enqueued again.
    expect(await mustEnqueue(name, { n: "gone" }, { "idempotency-key": "gone-1" })).toEqual({
      eventId,
      duplicate: true,
    });

    const deleted = await admin.call("DELETE", `${FN}/${name}/dead-letters/${eventId}`);
    expect(deleted.status).toBe(200);
    expect(await deadLetters(name)).toEqual([]);
    const again = await admin.call("DELETE", `${FN}/${name}/dead-letters/${eventId}`);
    expect(again.status).toBe(404);
    const redrive = await admin.call("POST", `${FN}/${name}/dead-letters/${eventId}/redrive`);
    expect(redrive.status).toBe(404);
    expect(collector.count("gone-1")).toBe(1);
  });
});
