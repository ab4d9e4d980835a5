import { type InvocationRecord, type LogLine, resolveFunctionConfig } from "@skiff/core";
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { Hono } from "hono";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { AuthEnv } from "../auth.js";
import { createErrorHandler } from "../error-handler.js";
import { InvocationWriter } from "../invocation-writer.js";
import { createInvocationBus, type InvocationBus } from "../observe/invocation-bus.js";
import { FakeStorage } from "../testing/fake-storage.js";
import { startHarness } from "../testing/harness.js";
import { type FollowOptions, logRoutes } from "./log-routes.js";

const NOW = 1_700_000_000_000;
const line = (level: LogLine["level"], message: string): LogLine => ({ level, message, ts: NOW });

function record(id: string, overrides: Partial<InvocationRecord> = {}): InvocationRecord {
  return {
    id,
    tenant: "acme",
    functionName: "hello",
    version: 1,
    trigger: "http",
    startedAt: NOW,
    outcome: "ok",
    status: 200,
    cold: false,
    cpuMs: 1,
    wallMs: 2,
    logs: [line("log", `hello from ${id}`)],
    droppedLogLines: 0,
    ...overrides,
  };
}

/** A bus that also says how many subscribers it has, to show a follower unsubscribes. */
function countingBus(): InvocationBus & { subscribers: number } {
  const inner = createInvocationBus();
  const bus = {
    subscribers: 0,
    publish: (r: InvocationRecord) => inner.publish(r),
    subscribe(listener: (r: InvocationRecord) => void) {
      bus.subscribers += 1;
      const stop = inner.subscribe(listener);
      return () => {
        bus.subscribers -= 1;
        stop();
      };
    },
  };
  return bus;
}

const open: Array<{ close(): void }> = [];
afterEach(() => {
  for (const item of open.splice(0)) item.close();
});

/** The log routes alone over fakes, with follow options a test can make small. */
async function mount(follow: FollowOptions = {}) {
  const storage = new FakeStorage(() => NOW);
  await storage.tenants.create("acme");
  for (const name of ["hello", "other"]) {
    await storage.functions.deploy("acme", name, {
      code: new TextEncoder().encode("export default {}"),
      config: resolveFunctionConfig(),
    });
  }
  const logger = pino({ enabled: false });
  const bus = countingBus();
  const writer = new InvocationWriter({ repository: storage.invocations, logger, retention: 1000, bus });
  const streams = new AbortController();
  open.push({ close: () => streams.abort() });
  const app = new Hono<AuthEnv>();
  app.onError(createErrorHandler(logger));
  app.route(
    "/t/:tenant/functions",
    logRoutes(
      { storage, writer, invocations: bus, now: () => NOW, streamsClosed: streams.signal },
      { recentRecordWaitMs: 10, ...follow },
    ),
  );
  return { app, storage, writer, bus, streams };
}

/** Reads an SSE response event by event; `until` reads on until a predicate holds. */
function sseReader(response: Response) {
  const body = response.body;
  if (body === null) throw new Error("no body");
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const events: EventSourceMessage[] = [];
  const comments: string[] = [];
  let ended = false;
  const parser = createParser({ onEvent: (e) => events.push(e), onComment: (c) => comments.push(c) });
  open.push({ close: () => void reader.cancel().catch(() => {}) });
  return {
    events,
    comments,
    get ended() {
      return ended;
    },
    async until(done: () => boolean): Promise<void> {
      while (!done()) {
        const { value, done: end } = await reader.read();
        if (end) {
          ended = true;
          return;
        }
        parser.feed(decoder.decode(value, { stream: true }));
      }
    },
    cancel: () => reader.cancel(),
  };
}

const invocationIds = (events: EventSourceMessage[]) =>
  events.filter((e) => e.event === "invocation").map((e) => (JSON.parse(e.data) as InvocationRecord).id);

describe("GET …/functions/{name}/logs", () => {
  it("lists records with their lines, newest first, including ones not yet written", async () => {
    const { app, writer } = await mount();
    writer.add(record("a", { startedAt: NOW - 2 }));
    writer.add(record("b", { startedAt: NOW - 1 }));
    const response = await app.request("/t/acme/functions/hello/logs");
    expect(response.status).toBe(200);
    const { invocations } = (await response.json()) as { invocations: InvocationRecord[] };
    expect(invocations.map((r) => r.id)).toEqual(["b", "a"]);
    expect(invocations[0]?.logs).toEqual([line("log", "hello from b")]);
  });

  it("filters by since (a duration or epoch ms), level, outcome and limit", async () => {
    const { app, writer } = await mount();
    writer.add(record("old", { startedAt: NOW - 20 * 60_000 }));
    writer.add(
      record("warned", { startedAt: NOW - 60_000, logs: [line("log", "x"), line("warn", "careful")] }),
    );
    writer.add(
      record("failed", {
        startedAt: NOW - 30_000,
        outcome: "exception",
        status: 500,
        logs: [line("error", "boom")],
      }),
    );
    writer.add(record("quiet", { startedAt: NOW - 1_000, logs: [] }));
    const ids = async (query: string) => {
      const response = await app.request(`/t/acme/functions/hello/logs?${query}`);
      expect(response.status).toBe(200);
      return ((await response.json()) as { invocations: InvocationRecord[] }).invocations;
    };
    expect((await ids("since=10m")).map((r) => r.id)).toEqual(["quiet", "failed", "warned"]);
    expect((await ids(`since=${NOW - 30_000}`)).map((r) => r.id)).toEqual(["quiet", "failed"]);
    const warnings = await ids("level=warn");
    expect(warnings.map((r) => r.id)).toEqual(["failed", "warned"]);
    // Lines below the level are left out of what is sent.
    expect(warnings[1]?.logs).toEqual([line("warn", "careful")]);
    expect((await ids("outcome=exception,timeout")).map((r) => r.id)).toEqual(["failed"]);
    expect((await ids("limit=2")).map((r) => r.id)).toEqual(["quiet", "failed"]);
  });

  it.each([
    ["since=yesterday", /since is epoch milliseconds or a duration/],
    ["since=-5m", /since/],
    ["level=verbose", /level is one of debug, info, log, warn, error/],
    ["outcome=ok,fine", /outcome is one of/],
    ["limit=0", /limit/],
    ["follow=yes", /follow is 1 or 0/],
    ["tail=5", /tail/],
  ])("refuses %s with INVALID_REQUEST naming the problem", async (query, message) => {
    const { app } = await mount();
    const response = await app.request(`/t/acme/functions/hello/logs?${query}`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("INVALID_REQUEST");
    expect(body.error.message).toMatch(message);
  });

  it("answers 404 FUNCTION_NOT_FOUND for a function that does not exist, following or not", async () => {
    const { app, bus } = await mount();
    for (const query of ["", "?follow=1", "?follow=1&since=1h"]) {
      const response = await app.request(`/t/acme/functions/ghost/logs${query}`);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("FUNCTION_NOT_FOUND");
    }
    expect(bus.subscribers).toBe(0);
  });
});

describe("GET …/functions/{name}/invocations/{id}", () => {
  it("answers one record by id, found only under its own function", async () => {
    const { app, writer } = await mount();
    writer.add(record("inv-42", { peakHeapBytes: 1_234_567 }));
    const response = await app.request("/t/acme/functions/hello/invocations/inv-42");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ invocation: record("inv-42", { peakHeapBytes: 1_234_567 }) });
    const elsewhere = await app.request("/t/acme/functions/other/invocations/inv-42");
    expect(elsewhere.status).toBe(404);
    expect(((await elsewhere.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
  });

  it("waits briefly for the record of an invocation that has answered but is not recorded yet", async () => {
    const { app, writer, bus } = await mount({ recentRecordWaitMs: 60_000 });
    const answer = app.request("/t/acme/functions/hello/invocations/just-now");
    // Published once the route is listening (it subscribes before reading storage).
    while (bus.subscribers === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    writer.add(record("unrelated"));
    writer.add(record("just-now"));
    const response = await answer;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { invocation: InvocationRecord }).invocation.id).toBe("just-now");
    expect(bus.subscribers).toBe(0);
  });

  it("refuses an id that is no invocation id", async () => {
    const { app } = await mount();
    const response = await app.request(`/t/acme/functions/hello/invocations/${"x".repeat(129)}`);
    expect(response.status).toBe(400);
  });

  it("is behind the admin API's auth: another tenant's key is refused", async () => {
    const h = await startHarness();
    await h.deploy("hello");
    await h.storage.tenants.create("rival");
    const { key: rivalKey } = await h.storage.apiKeys.create("rival", "admin");
    const path = "/api/v1/tenants/default/functions/hello/logs";
    expect((await h.api("GET", path, { key: rivalKey })).status).toBe(403);
    expect((await h.api("GET", path, { key: null })).status).toBe(401);
    const own = await h.api("GET", path, { key: h.key });
    expect(own.status).toBe(200);
    expect(own.json).toEqual({ invocations: [] });
  });
});

describe("GET …/functions/{name}/logs?follow=1", () => {
  it("sends stored records since the bound oldest first, then ready, then each new record of the function", async () => {
    const { app, writer, bus } = await mount();
    writer.add(record("before-1", { startedAt: NOW - 2_000 }));
    writer.add(record("before-2", { startedAt: NOW - 1_000 }));
    const response = await app.request("/t/acme/functions/hello/logs?follow=1&since=1m");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const sse = sseReader(response);
    await sse.until(() => sse.events.some((e) => e.event === "ready"));
    expect(invocationIds(sse.events)).toEqual(["before-1", "before-2"]);
    expect(JSON.parse(sse.events.at(-1)?.data ?? "")).toEqual({ history: 2 });

    writer.add(record("elsewhere", { functionName: "other" }));
    writer.add(record("live", { startedAt: NOW + 5 }));
    await sse.until(() => invocationIds(sse.events).includes("live"));
    expect(invocationIds(sse.events)).toEqual(["before-1", "before-2", "live"]);
    const live = sse.events.find((e) => e.event === "invocation" && e.id === "live");
    expect(JSON.parse(live?.data ?? "")).toEqual(record("live", { startedAt: NOW + 5 }));
    expect(bus.subscribers).toBe(1);
  });

  it("sends only live records without since, filtered by level and outcome like the list", async () => {
    const { app, writer } = await mount();
    writer.add(record("stored"));
    const response = await app.request("/t/acme/functions/hello/logs?follow=1&level=warn&outcome=exception");
    const sse = sseReader(response);
    await sse.until(() => sse.events.some((e) => e.event === "ready"));
    writer.add(record("ok-with-warn", { logs: [line("warn", "w")] }));
    writer.add(record("failed-quietly", { outcome: "exception", logs: [line("log", "x")] }));
    writer.add(
      record("failed-loudly", { outcome: "exception", logs: [line("debug", "d"), line("error", "boom")] }),
    );
    await sse.until(() => invocationIds(sse.events).length > 0);
    expect(invocationIds(sse.events)).toEqual(["failed-loudly"]);
    const sent = JSON.parse(sse.events.find((e) => e.event === "invocation")?.data ?? "") as InvocationRecord;
    expect(sent.logs).toEqual([line("error", "boom")]);
  });

  it("sends a heartbeat comment while nothing happens", async () => {
    const { app } = await mount({ heartbeatMs: 5 });
    const sse = sseReader(await app.request("/t/acme/functions/hello/logs?follow=1"));
    await sse.until(() => sse.comments.length >= 2);
    expect(sse.comments.slice(0, 2)).toEqual(["heartbeat", "heartbeat"]);
  });

  it("drops what a slow reader can not take, counts it and says so in a dropped event", async () => {
    const { app, writer } = await mount({ bufferSize: 3 });
    const sse = sseReader(await app.request("/t/acme/functions/hello/logs?follow=1"));
    await sse.until(() => sse.events.some((e) => e.event === "ready"));
    // Published in one go: the stream can send none of them before the buffer fills.
    for (let i = 0; i < 10; i++) writer.add(record(`burst-${i}`));
    await sse.until(() => invocationIds(sse.events).length === 3);
    const dropped = sse.events.find((e) => e.event === "dropped");
    expect(JSON.parse(dropped?.data ?? "")).toEqual({ dropped: 7, total: 7 });
    expect(invocationIds(sse.events)).toEqual(["burst-0", "burst-1", "burst-2"]);
    // The dropped event comes before the records that follow the gap.
    expect(sse.events.findIndex((e) => e.event === "dropped")).toBeLessThan(
      sse.events.findIndex((e) => e.id === "burst-0"),
    );
    // Nothing was lost from storage: the writer keeps every record.
    await writer.flush();
    expect(writer.written).toBe(10);
  });

  it("refuses more live streams per tenant than allowed, and frees the place when one ends", async () => {
    const { app } = await mount({ maxFollowersPerTenant: 1 });
    const first = sseReader(await app.request("/t/acme/functions/hello/logs?follow=1"));
    await first.until(() => first.events.some((e) => e.event === "ready"));
    const refused = await app.request("/t/acme/functions/other/logs?follow=1");
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("TOO_MANY_REQUESTS");
    await first.cancel();
    // The place is freed once the first stream notices its client left (at its next wake-up).
    for (let i = 0; i < 200; i++) {
      const again = await app.request("/t/acme/functions/other/logs?follow=1");
      if (again.status === 200) {
        await again.body?.cancel();
        return;
      }
      await again.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error("the first stream's place was never freed");
  });

  it("unsubscribes when the client goes away", async () => {
    const { app, bus, writer } = await mount({ heartbeatMs: 60_000 });
    const sse = sseReader(await app.request("/t/acme/functions/hello/logs?follow=1"));
    await sse.until(() => sse.events.some((e) => e.event === "ready"));
    expect(bus.subscribers).toBe(1);
    await sse.cancel();
    // The follower notices at its next wake-up: a record arriving is one.
    for (let i = 0; i < 100 && bus.subscribers > 0; i++) {
      writer.add(record(`after-${i}`));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(bus.subscribers).toBe(0);
  });

  it("ends when the gateway stops serving", async () => {
    const { app, bus, streams } = await mount({ heartbeatMs: 60_000 });
    const sse = sseReader(await app.request("/t/acme/functions/hello/logs?follow=1"));
    await sse.until(() => sse.events.some((e) => e.event === "ready"));
    streams.abort();
    await sse.until(() => false);
    expect(sse.ended).toBe(true);
    expect(bus.subscribers).toBe(0);
  });
});
