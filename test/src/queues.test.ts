// Issue 10, items 1, 2 and 5: queues on the real server. An ordered queue keeps each group's order through
// random failures while a stalled group does not hold up the others; a failing message blocks its group only
// until it reaches the dead-letter queue; a Lambda consumer's partial batch failure retries only the reported
// message; producers send through a binding; depth and age show in the API and the CLI.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Collector, startCollector } from "./collector.js";
import {
  createNamespace,
  createQueue,
  deployWith,
  queueInfo,
  sendMessages,
  setConsumer,
} from "./queue-helpers.js";
import { AdminClient, invoke, waitFor } from "./skiff-api.js";
import { runSkiff } from "./skiff-cli.js";
import { type SkiffServer, startSkiff } from "./skiff-server.js";

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

/** Every report whose body has `field`, in arrival order. */
function reportsWith(field: string) {
  return collector.reports.filter((r) => r.body[field] !== undefined).map((r) => r.body);
}

describe("ordered queues", () => {
  const GROUPS = ["g0", "g1", "g2", "g3", "g4"];
  const PER_GROUP = 200;

  it("keep every group in send order through 10 % random failures, and a stalled group stalls only itself", {
    timeout: 420_000,
  }, async () => {
    await createNamespace(admin, "flags");
    await createQueue(admin, "stream", { ordered: true });
    // Processed messages are reported in one POST per batch, before the batch is acknowledged (a failed report
    // throws, and every message not explicitly retried is then delivered again). A random 10 % fail, and the
    // handler stops at its first failure so that nothing overtakes it. Group g0 stalls until the test
    // releases it, holding its batch (and one of the five slots) all the while.
    await deployWith(
      admin,
      "ordered-consumer",
      `export default {
        async queue(batch, env) {
          const done = [];
          let failed = false;
          for (const m of batch.messages) {
            if (failed) { m.retry(); continue; }
            if (m.body.g === "g0") {
              while ((await env.FLAGS.get("release")) === null) await new Promise((r) => setTimeout(r, 100));
            }
            if (Math.random() < 0.1) { failed = true; m.retry(); continue; }
            done.push({ g: m.body.g, n: m.body.n, attempts: m.attempts });
          }
          if (done.length === 0) return;
          const answer = await fetch(${JSON.stringify(collector.url)}, {
            method: "POST",
            body: JSON.stringify({ id: crypto.randomUUID(), ordered: done }),
          });
          if (!answer.ok) throw new Error("report failed: " + answer.status);
        },
      };`,
      {
        concurrency: 10,
        timeoutMs: 300_000,
        bindings: [{ type: "kv", name: "FLAGS", namespace: "flags" }],
      },
    );
    const messages: Array<Record<string, unknown>> = [];
    for (let n = 0; n < PER_GROUP; n++) {
      for (const g of GROUPS) messages.push({ body: { g, n }, groupId: g });
    }
    for (let i = 0; i < messages.length; i += 100)
      await sendMessages(admin, "stream", messages.slice(i, i + 100));
    expect((await queueInfo(admin, "stream")).depth).toBe(GROUPS.length * PER_GROUP);
    await setConsumer(admin, "stream", {
      function: "ordered-consumer",
      batchSize: 10,
      maxWaitMs: 0,
      maxRetries: 100,
      concurrency: 5,
    });

    const processed = (g: string) =>
      reportsWith("ordered")
        .flatMap((body) => body.ordered as Array<{ g: string; n: number; attempts: number }>)
        .filter((m) => m.g === g);
    await waitFor(
      "the four groups that are not stalled to be processed",
      async () => (GROUPS.slice(1).every((g) => processed(g).length >= PER_GROUP) ? true : undefined),
      300_000,
    );
    // The stalled group has not moved while the other four went through all their messages.
    expect(processed("g0")).toEqual([]);
    const release = await admin.call("PUT", "/tenants/default/kv/flags/values/release", "go");
    expect(release.status).toBe(200);
    await waitFor(
      "the stalled group to be processed once released",
      async () => (processed("g0").length >= PER_GROUP ? true : undefined),
      120_000,
    );

    const inOrder = Array.from({ length: PER_GROUP }, (_, n) => n);
    for (const g of GROUPS) expect(processed(g).map((m) => m.n)).toEqual(inOrder);
    // Failures did happen, and were delivered again.
    const retried = GROUPS.flatMap((g) => processed(g)).filter((m) => m.attempts > 1);
    expect(retried.length).toBeGreaterThan(10);
    await waitFor("the queue to be empty", async () =>
      (await queueInfo(admin, "stream")).depth === 0 ? true : undefined,
    );
  });

  it("unblock a group once its failing message reaches the dead-letter queue", {
    timeout: 60_000,
  }, async () => {
    await createQueue(admin, "steps", { ordered: true });
    await createQueue(admin, "steps-failed");
    await deployWith(
      admin,
      "steps-consumer",
      `export default {
        async queue(batch) {
          for (const m of batch.messages) {
            if (m.body.poison) throw new Error("poison " + m.body.n);
            await fetch(${JSON.stringify(collector.url)}, {
              method: "POST",
              body: JSON.stringify({ id: "steps:" + m.body.n, step: m.body.n }),
            });
            m.ack();
          }
        },
      };`,
    );
    await sendMessages(
      admin,
      "steps",
      [1, 2, 3, 4].map((n) => ({ body: { n, poison: n === 2 }, groupId: "order-7" })),
    );
    await setConsumer(admin, "steps", {
      function: "steps-consumer",
      batchSize: 1,
      maxWaitMs: 0,
      maxRetries: 2,
      deadLetterQueue: "steps-failed",
    });
    await waitFor("the steps after the poison message", async () =>
      collector.count("steps:4") > 0 ? true : undefined,
    );
    expect(reportsWith("step").map((b) => b.step)).toEqual([1, 3, 4]);
    const failed = await queueInfo(admin, "steps-failed");
    expect(failed.depth).toBe(1);
    // Step 4 reaches the collector before its ack is committed: the invocation is still running then.
    await waitFor("step 4's ack to empty the queue", async () =>
      (await queueInfo(admin, "steps")).depth === 0 ? true : undefined,
    );
  });
});

describe("Lambda consumers", () => {
  it("retry only the message reported in batchItemFailures", { timeout: 60_000 }, async () => {
    await createQueue(admin, "lambda-jobs");
    await deployWith(
      admin,
      "sqs-consumer",
      `export const handler = async (event) => {
        await fetch(${JSON.stringify(collector.url)}, {
          method: "POST",
          body: JSON.stringify({
            id: "sqs:" + event.Records.map((r) => r.messageId).join(","),
            sqs: event.Records.map((r) => ({
              messageId: r.messageId, body: r.body, count: r.attributes.ApproximateReceiveCount,
              source: r.eventSource, kind: r.messageAttributes.kind?.stringValue,
            })),
          }),
        });
        const failures = event.Records
          .filter((r) => JSON.parse(r.body).fail && r.attributes.ApproximateReceiveCount === "1")
          .map((r) => ({ itemIdentifier: r.messageId }));
        return { batchItemFailures: failures };
      };`,
    );
    const ids = await sendMessages(
      admin,
      "lambda-jobs",
      [0, 1, 2, 3, 4].map((n) => ({ body: { n, fail: n === 3 }, attributes: { kind: `k${n}` } })),
    );
    await setConsumer(admin, "lambda-jobs", {
      function: "sqs-consumer",
      batchSize: 5,
      maxWaitMs: 1000,
      maxRetries: 3,
    });
    await waitFor("the failed message's second delivery", async () =>
      reportsWith("sqs").length >= 2 ? true : undefined,
    );
    await waitFor("the queue to be empty", async () =>
      (await queueInfo(admin, "lambda-jobs")).depth === 0 ? true : undefined,
    );
    const [first, second, ...more] = reportsWith("sqs").map((body) => body.sqs);
    expect(first.map((r: { messageId: string }) => r.messageId)).toEqual(ids);
    expect(first[0]).toMatchObject({
      body: '{"n":0,"fail":false}',
      count: "1",
      source: "aws:sqs",
      kind: "k0",
    });
    expect(second).toEqual([
      { messageId: ids[3], body: '{"n":3,"fail":true}', count: "2", source: "aws:sqs", kind: "k3" },
    ]);
    expect(more).toEqual([]);
  });
});

describe("producers and the backlog", () => {
  it("send through a queue binding, and show depth and age until a consumer drains the queue", {
    timeout: 60_000,
  }, async () => {
    await createQueue(admin, "outbox");
    const refused = await admin.call("PUT", "/tenants/default/functions/producer", {
      code: "export default { fetch() { return new Response('x') } }",
      config: { bindings: [{ type: "queue", name: "JOBS", queue: "no-such-queue" }] },
    });
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe("INVALID_CONFIG");
    await deployWith(
      admin,
      "producer",
      `export default {
        async fetch(request, env) {
          await env.JOBS.send({ kind: "json" }, { attributes: { via: "send" } });
          await env.JOBS.sendBatch([
            { body: "plain text", contentType: "text" },
            { body: new Uint8Array([104, 105]) },
          ]);
          let refused = "";
          try { await env.JOBS.send("x".repeat(300 * 1024)); } catch (e) { refused = e.message; }
          return Response.json({ refused });
        },
      };`,
      { bindings: [{ type: "queue", name: "JOBS", queue: "outbox" }] },
    );
    const answer = await invoke(server, "producer");
    expect(answer.status).toBe(200);
    expect(answer.json.refused).toMatch(/PAYLOAD_TOO_LARGE|over queue/);
    const backlog = await queueInfo(admin, "outbox");
    expect(backlog).toMatchObject({ depth: 3, inFlight: 0, consumer: null });
    expect(backlog.oldestMessageAgeMs).toBeGreaterThanOrEqual(0);

    const tooBig = await admin.call("POST", "/tenants/default/queues/outbox/messages", {
      body: "x".repeat(300 * 1024),
    });
    expect(tooBig.status).toBe(413);

    await deployWith(
      admin,
      "outbox-consumer",
      `export const handler = async (event) => {
        await fetch(${JSON.stringify(collector.url)}, {
          method: "POST",
          body: JSON.stringify({ id: "outbox", outbox: event.Records.map((r) => [r.body, r.messageAttributes.via?.stringValue ?? null]) }),
        });
      };`,
    );
    await setConsumer(admin, "outbox", { function: "outbox-consumer", batchSize: 10, maxWaitMs: 0 });
    await waitFor("the outbox to drain", async () =>
      (await queueInfo(admin, "outbox")).depth === 0 ? true : undefined,
    );
    const received = reportsWith("outbox").flatMap((body) => body.outbox);
    expect(received).toEqual([
      ['{"kind":"json"}', "send"],
      ["plain text", null],
      [Buffer.from("hi").toString("base64"), null],
    ]);
  });

  it("are managed with the CLI", { timeout: 60_000 }, async () => {
    const created = await runSkiff(server, ["queue", "create", "cli-jobs"]);
    expect(created).toMatchObject({ code: 0 });
    expect(created.stdout).toContain("Created queue cli-jobs");
    const sent = await runSkiff(server, ["queue", "send", "cli-jobs", '{"n":1}', "--attribute", "kind=demo"]);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/^Sent message \S+ to queue cli-jobs\.$/m);
    const listed = await runSkiff(server, ["queue", "ls", "--json"]);
    const jobs = (JSON.parse(listed.stdout) as Array<{ name: string; depth: number }>).find(
      (q) => q.name === "cli-jobs",
    );
    expect(jobs?.depth).toBe(1);
    const bad = await runSkiff(server, ["queue", "consumer", "cli-jobs", "no-such-function"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("no-such-function");
  });
});
