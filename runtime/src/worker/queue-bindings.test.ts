// Queue and topic bindings as tenant code sees them (send, sendBatch, publish over the "binding" host call), and
// queue messages as consumers get them: Workers bodies by content type, Lambda SQS records with attributes.
import type { QueueMessage } from "@skiff/core";
import { afterEach, describe, expect, it } from "vitest";
import { SandboxHarness } from "../testing/sandbox-harness.js";

const harnesses: SandboxHarness[] = [];
afterEach(() => {
  for (const h of harnesses.splice(0)) h.dispose();
});

function recordingHost() {
  const calls: Array<{ name: string; op: string; args: Record<string, unknown> }> = [];
  const handler = async (raw: unknown) => {
    const call = raw as { name: string; op: string; args: Record<string, unknown> };
    calls.push(call);
    return call.op === "publish" ? { messageId: "m-1", deliveries: 2 } : null;
  };
  return { handler, calls };
}

describe("queue and topic bindings", () => {
  it("send messages with their content type and options, and publish with attributes", async () => {
    const host = recordingHost();
    const h = await SandboxHarness.load(
      `export default { async fetch(request, env) {
        await env.JOBS.send({ n: 1, at: new Date(0) });
        await env.JOBS.send("plain", { contentType: "text", delaySeconds: 5, groupId: "g", deduplicationId: "d" });
        await env.JOBS.send(new Uint8Array([1, 2, 3]));
        await env.JOBS.sendBatch([{ body: 1 }, { body: 2, delaySeconds: 9 }], { delaySeconds: 3 });
        const errors = [];
        for (const bad of [() => env.JOBS.send(undefined), () => env.JOBS.send(1, { contentType: "text" }),
                           () => env.JOBS.send("x", { contentType: "bytes" }), () => env.JOBS.send(() => 1)]) {
          try { await bad(); } catch (e) { errors.push(e.constructor.name); }
        }
        const published = await env.EVENTS.publish({ hello: 1 }, { attributes: { color: "red", n: 2 } });
        return Response.json({ errors, published, types: [typeof env.JOBS.send, typeof env.EVENTS.publish] });
      } }`,
      {},
      64,
      [
        { type: "queue", name: "JOBS", queue: "jobs" },
        { type: "topic", name: "EVENTS", topic: "events" },
      ],
    );
    harnesses.push(h);
    const run = await h.run(undefined, { binding: host.handler });
    expect(run.result.outcome).toBe("ok");
    expect(run.json()).toEqual({
      errors: ["TypeError", "TypeError", "TypeError", "TypeError"],
      published: { messageId: "m-1", deliveries: 2 },
      types: ["function", "function"],
    });
    const sends = host.calls.filter((c) => c.op === "send").map((c) => c.args.messages);
    expect(sends[0]).toEqual([
      {
        body: { n: 1, at: "1970-01-01T00:00:00.000Z" },
        contentType: "json",
        delaySeconds: null,
        groupId: null,
        deduplicationId: null,
        attributes: null,
      },
    ]);
    expect(sends[1]).toEqual([
      {
        body: "plain",
        contentType: "text",
        delaySeconds: 5,
        groupId: "g",
        deduplicationId: "d",
        attributes: null,
      },
    ]);
    const bytes = (sends[2] as Array<{ body: Uint8Array; contentType: string }>)[0];
    expect(bytes?.contentType).toBe("bytes");
    expect([...(bytes?.body ?? [])]).toEqual([1, 2, 3]);
    expect(
      (sends[3] as Array<{ body: unknown; delaySeconds: number }>).map((m) => [m.body, m.delaySeconds]),
    ).toEqual([
      [1, 3],
      [2, 9],
    ]);
    expect(host.calls.find((c) => c.op === "publish")).toEqual({
      name: "EVENTS",
      op: "publish",
      args: { message: { hello: 1 }, attributes: { color: "red", n: 2 }, groupId: null },
    });
  });
});

describe("queue messages for consumers", () => {
  const messages: QueueMessage[] = [
    {
      id: "m1",
      timestamp: 1000,
      body: Buffer.from([7, 8, 9]).toString("base64"),
      attempts: 1,
      contentType: "bytes",
      sequenceNumber: "4",
      groupId: "g",
      deduplicationId: "d",
    },
    {
      id: "m2",
      timestamp: 2000,
      body: { a: 1 },
      attempts: 2,
      contentType: "json",
      attributes: { color: "red", n: 3 },
    },
  ];

  it("give Workers bytes bodies as an ArrayBuffer and the attributes beside the body", async () => {
    const h = await SandboxHarness.load(
      `export default { async queue(batch) {
        const [bytes, json] = batch.messages;
        if (!(bytes.body instanceof ArrayBuffer) || [...new Uint8Array(bytes.body)].join() !== "7,8,9") throw new Error("bytes");
        if (json.body.a !== 1 || json.attributes.color !== "red") throw new Error("json");
        json.retry();
      } }`,
    );
    harnesses.push(h);
    const run = await h.run({ kind: "queue", queue: "jobs", messages });
    expect(run.result).toMatchObject({ outcome: "ok", queue: { retry: [{ id: "m2" }] } });
  });

  it("give Lambda SQS records with FIFO attributes and message attributes", async () => {
    const h = await SandboxHarness.load(
      "export const handler = async (event) => { console.log(JSON.stringify(event)); return {}; };",
    );
    harnesses.push(h);
    const run = await h.run({ kind: "queue", queue: "jobs", messages });
    expect(run.result.outcome).toBe("ok");
    const seen = run.result.logs.map((line) => JSON.parse(line.message) as unknown);
    const event = seen[0] as { Records: Array<Record<string, unknown>> };
    expect(event.Records[0]).toMatchObject({
      messageId: "m1",
      body: Buffer.from([7, 8, 9]).toString("base64"),
      eventSource: "aws:sqs",
      attributes: {
        ApproximateReceiveCount: "1",
        MessageGroupId: "g",
        MessageDeduplicationId: "d",
        SequenceNumber: "4",
      },
    });
    expect(event.Records[1]).toMatchObject({
      body: '{"a":1}',
      attributes: { ApproximateReceiveCount: "2" },
      messageAttributes: {
        color: { dataType: "String", stringValue: "red" },
        n: { dataType: "Number", stringValue: "3" },
      },
    });
  });
});
