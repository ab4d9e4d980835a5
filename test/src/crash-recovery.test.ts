// Issue 4, item 6: no acknowledged async event is lost when the server dies. SIGKILL with 200 events queued
// and deliveries in flight, restart on the same data dir: every event is delivered at least once (the leased
// ones after their lease expires). SIGTERM: in-flight deliveries finish, the process exits 0, and the rest are
// delivered after the restart.
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { checkIntegrity, DATABASE_FILE } from "@skiff/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Collector, startCollector } from "./collector.js";
import { AdminClient, waitFor } from "./skiff-api.js";
import { type SkiffServer, startSkiff } from "./skiff-server.js";

const FN = "/tenants/default/functions";
const CONCURRENCY = 10;

let collector: Collector;
let server: SkiffServer;
let dataDir: string;

function start(): Promise<SkiffServer> {
  return startSkiff({
    keepDataDir: true,
    ...(dataDir === undefined ? {} : { dataDir }),
    // A short lease, so events leased by a killed process are delivered again within the test.
    env: { SKIFF_EGRESS_ALLOW: collector.hostPort, SKIFF_EVENT_LEASE_MS: "2000" },
  });
}

beforeAll(async () => {
  collector = await startCollector();
  server = await start();
  dataDir = server.dataDir;
  // Reports when a delivery starts and when it ends; in between it holds the event for 300 ms.
  await new AdminClient(server, server.defaultKey).mustDeploy(
    "slow",
    `export const handler = async (event, context) => {
      const report = (phase) => fetch(${JSON.stringify(collector.url)}, {
        method: "POST",
        body: JSON.stringify({ id: context.awsRequestId + ":" + phase, eventId: context.awsRequestId, phase, n: event.n }),
      });
      await report("start");
      await new Promise((resolve) => setTimeout(resolve, 300));
      await report("end");
      return { ok: true };
    };`,
    { concurrency: CONCURRENCY, timeoutMs: 10_000, async: { maxAttempts: 5, minBackoffMs: 100 } },
  );
});

afterAll(async () => {
  await server?.stop();
  await collector.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Enqueues `count` events, 20 requests at a time; returns the acknowledged event ids. */
async function enqueue(count: number, from: number): Promise<string[]> {
  const admin = new AdminClient(server, server.defaultKey);
  const ids: string[] = [];
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const n = from + next++;
      const answer = await admin.call("POST", `${FN}/slow/invoke?async=1`, { n });
      expect(answer.status).toBe(202);
      ids.push(answer.json.eventId);
    }
  };
  await Promise.all(Array.from({ length: 20 }, lane));
  return ids;
}

const started = (id: string) => collector.count(`${id}:start`) > 0;
const ended = (id: string) => collector.count(`${id}:end`) > 0;

/**
 * The most deliveries the collector saw between a start report and its end report at the same time, counting
 * the reports from index `from` on (a killed process's starts never end).
 */
function maxOverlap(from = 0): number {
  const edges = collector.reports
    .slice(from)
    .filter((r) => r.body.phase === "start" || r.body.phase === "end")
    .map((r) => ({ at: r.at, delta: r.body.phase === "start" ? 1 : -1 }))
    // At the same millisecond, count an end before a start.
    .sort((a, b) => a.at - b.at || a.delta - b.delta);
  let open = 0;
  let max = 0;
  for (const edge of edges) {
    open += edge.delta;
    max = Math.max(max, open);
  }
  return max;
}

async function expectAllDelivered(ids: string[], what: string): Promise<void> {
  await waitFor(what, async () => (ids.every(ended) ? true : undefined), 60_000);
}

describe("a server that dies", () => {
  it("delivers every acknowledged event after a SIGKILL and a restart", { timeout: 120_000 }, async () => {
    const ids = await enqueue(200, 0);
    expect(new Set(ids).size).toBe(200);

    // Kill it mid-stream: some deliveries done, some in flight, most not started.
    await waitFor(
      "deliveries under way",
      async () => (ids.filter(ended).length >= 10 ? true : undefined),
      30_000,
    );
    const end = await server.kill("SIGKILL");
    expect(end.signal).toBe("SIGKILL");
    const inFlight = ids.filter((id) => started(id) && !ended(id));
    const notStarted = ids.filter((id) => !started(id));
    expect(inFlight.length).toBeGreaterThan(0);
    expect(notStarted.length).toBeGreaterThan(0);
    // The function's concurrency limit held while it was running.
    expect(maxOverlap()).toBeLessThanOrEqual(CONCURRENCY);

    // The database as the kill left it (its WAL included) is whole.
    expect(checkIntegrity(join(dataDir, DATABASE_FILE))).toBe("ok");

    const restartedAt = collector.reports.length;
    server = await start();
    // And again once the restarted server has recovered it and runs on it.
    expect(checkIntegrity(join(dataDir, DATABASE_FILE))).toBe("ok");
    await expectAllDelivered(ids, "every acknowledged event delivered after the restart");
    // Those killed mid-delivery were started again, with the same event id, once their lease had expired.
    for (const id of inFlight) expect(collector.count(`${id}:start`)).toBeGreaterThanOrEqual(2);
    expect(maxOverlap(restartedAt)).toBeLessThanOrEqual(CONCURRENCY);
  });

  it("finishes deliveries in flight on SIGTERM, exits 0, and delivers the rest after a restart", {
    timeout: 120_000,
  }, async () => {
    collector.clear();
    const ids = await enqueue(100, 1000);
    await waitFor(
      "deliveries under way",
      async () => (ids.filter(started).length >= 5 ? true : undefined),
      30_000,
    );

    const inFlight = ids.filter((id) => started(id) && !ended(id));
    expect(inFlight.length).toBeGreaterThan(0);
    expect(await server.stop()).toBe(0);
    // Everything that started before the exit (those in flight at SIGTERM among them) also ended before it.
    expect(inFlight.filter((id) => !ended(id))).toEqual([]);
    const cutOff = collector.reports.length;
    const seen = collector.reports.slice(0, cutOff);
    const startedBeforeExit = new Set(
      seen.filter((r) => r.body.phase === "start").map((r) => r.body.eventId),
    );
    const endedBeforeExit = new Set(seen.filter((r) => r.body.phase === "end").map((r) => r.body.eventId));
    expect([...startedBeforeExit].filter((id) => !endedBeforeExit.has(id))).toEqual([]);
    expect(endedBeforeExit.size).toBeLessThan(ids.length);

    server = await start();
    await expectAllDelivered(ids, "every acknowledged event delivered after the restart");
    // A delivery that finished before the shutdown is not repeated after it.
    for (const id of endedBeforeExit) expect(collector.count(`${id}:start`)).toBe(1);
    expect(await server.stop()).toBe(0);
  });
});
