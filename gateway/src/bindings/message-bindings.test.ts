import { resolveFunctionConfig } from "@skiff/core";
import type { BindingCall, VersionSpec } from "@skiff/runtime";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type SqliteHarness, startSqliteHarness } from "../testing/sqlite-harness.js";
import { createBindingHost } from "./binding-host.js";

let h: SqliteHarness;
beforeEach(async () => {
  h = await startSqliteHarness();
  await h.storage.queues.create("acme", "jobs", {}, h.clock.now);
  await h.storage.queues.create("other", "jobs", {}, h.clock.now);
  await h.storage.topics.create("acme", "events", h.clock.now);
  await h.storage.topics.subscribe(
    "acme",
    "events",
    { queue: "jobs", filterPolicy: { keep: ["yes"] } },
    h.clock.now,
  );
});
afterEach(async () => {
  await h.close();
});

const version: VersionSpec = {
  id: "v1",
  tenant: "acme",
  functionName: "producer",
  number: 1,
  codeHash: "x",
  config: resolveFunctionConfig(),
};

function host() {
  return createBindingHost({
    storage: h.storage,
    now: () => h.clock.now,
    maxObjectBytes: 1024,
    messages: () => h.gateway.messages,
  });
}

const call = (binding: BindingCall["binding"], op: string, args: unknown): BindingCall => ({
  version,
  binding,
  op,
  args,
});

describe("queue and topic bindings in the main process", () => {
  const queue = { type: "queue" as const, name: "JOBS", queue: "jobs" };
  const topic = { type: "topic" as const, name: "EVENTS", topic: "events" };

  it("send to the bound queue of the version's own tenant, bytes as base64", async () => {
    const answer = (await host()(
      call(queue, "send", {
        messages: [
          {
            body: { n: 1 },
            contentType: "json",
            delaySeconds: null,
            groupId: null,
            deduplicationId: null,
            attributes: null,
          },
          {
            body: new Uint8Array([1, 2, 3]),
            contentType: "bytes",
            delaySeconds: null,
            groupId: null,
            deduplicationId: null,
            attributes: { a: "b" },
          },
        ],
      }),
    )) as { messages: Array<{ id: string; duplicate: boolean }> };
    expect(answer.messages).toHaveLength(2);
    expect((await h.storage.queues.stats("acme", "jobs", h.clock.now)).depth).toBe(2);
    expect((await h.storage.queues.stats("other", "jobs", h.clock.now)).depth).toBe(0);
  });

  it("publish to the bound topic", async () => {
    const kept = await host()(
      call(topic, "publish", { message: "m", attributes: { keep: "yes" }, groupId: null }),
    );
    expect(kept).toMatchObject({ deliveries: 1 });
    const dropped = await host()(call(topic, "publish", { message: "m", attributes: null, groupId: null }));
    expect(dropped).toMatchObject({ deliveries: 0 });
    expect((await h.storage.queues.stats("acme", "jobs", h.clock.now)).depth).toBe(1);
  });

  it.each([
    ["an unknown operation", queue, "purge", {}],
    ["no messages", queue, "send", {}],
    [
      "a body of bytes without contentType bytes",
      queue,
      "send",
      { messages: [{ body: new Uint8Array([1]), contentType: "json" }] },
    ],
    [
      "a text body that is not a string",
      queue,
      "send",
      { messages: [{ body: { n: 1 }, contentType: "text" }] },
    ],
    ["an unknown topic operation", topic, "send", {}],
  ])("refuse %s", async (_what, binding, op, args) => {
    await expect(host()(call(binding, op, args))).rejects.toMatchObject({ code: "INVALID_REQUEST" });
    expect((await h.storage.queues.stats("acme", "jobs", h.clock.now)).depth).toBe(0);
  });
});
