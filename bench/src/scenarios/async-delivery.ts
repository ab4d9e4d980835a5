// Async delivery: N events POSTed to `…/invoke?async=1` by autocannon (in its own process), then the time from
// the first enqueue to the last handler completion, read from the invocation records (start + wall time).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { runLoad } from "../load/run-load.js";
import { MODULES_DIR } from "../paths.js";
import type { InvocationSummary } from "../peers/skiff-admin.js";
import type { SkiffServer } from "../peers/skiff-server.js";
import type { AsyncResult } from "../results.js";
import { round } from "../stats.js";
import { type ScenarioContext, sleep } from "./context.js";

/** The invocations API lists at most 1000 records per function: events are spread to stay well below. */
const EVENTS_PER_FUNCTION = 800;
/**
 * Producer connections (keep-alive). A fair producer keeps many requests in flight, as many clients would: with
 * only a few, each waits for its 202 before sending the next event, and the producer's round trips rather than
 * Skiff's work set the rate (Skiff commits the enqueues that arrive together in one transaction).
 */
const PRODUCER_CONNECTIONS = 32;
const DELIVERY_DEADLINE_MS = 180_000;
/**
 * Each sink function's concurrency: how many of its events may run at once. The default (10) would make the
 * per-function limit, not the platform, set the rate; a tenant who wants throughput raises it, as on Lambda.
 */
const SINK_CONCURRENCY = 50;
/**
 * Between two looks at the invocation records. Each look lists up to 1000 records per function, work the server
 * does while it still delivers; the figure comes from the records' own times, so looking seldom costs no accuracy.
 */
const POLL_MS = 1_000;

export async function runAsyncDelivery(context: ScenarioContext, server: SkiffServer): Promise<AsyncResult> {
  const { plan, timeline, log } = context;
  const code = await readFile(join(MODULES_DIR, "async-sink.js"), "utf8");
  const events = plan.async.events;
  const functions = Math.max(1, Math.ceil(events / EVENTS_PER_FUNCTION));
  const names = Array.from({ length: functions }, (_, i) => `async-${i}`);
  await timeline.step(names.length * 200, async () => {
    for (const name of names) await server.admin.deploy(name, code, { concurrency: SINK_CONCURRENCY });
  });

  return timeline.step(events + 5_000, async () => {
    const enqueue = await runLoad({
      url: `${server.url}/`,
      connections: Math.min(PRODUCER_CONNECTIONS, events),
      amount: events,
      method: "POST",
      headers: { authorization: `Bearer ${server.key}`, "content-type": "application/json" },
      body: '{"bench":true}',
      paths: names.map((name) => server.admin.asyncInvokePath(name)),
    });
    if (enqueue.requests !== events) {
      throw new Error(
        `async: ${enqueue.requests} of ${events} events were accepted (${JSON.stringify(enqueue.statusCodes)})`,
      );
    }
    const records = await waitForDeliveries(server, names, events);
    const end = Math.max(...records.map((r) => r.startedAt + r.wallMs));
    const seconds = (end - enqueue.startedAt) / 1000;
    const result = {
      events,
      functions,
      enqueuedPerSecond: round(enqueue.requestsPerSecond, 1),
      deliveredPerSecond: round(events / seconds, 1),
      seconds: round(seconds, 2),
      failedOutcomes: records.filter((r) => r.outcome !== "ok").length,
    };
    log(
      `async: ${events} events enqueued at ${Math.round(result.enqueuedPerSecond)}/s, ` +
        `delivered at ${Math.round(result.deliveredPerSecond)}/s (${result.seconds} s)`,
    );
    return result;
  });
}

async function waitForDeliveries(server: SkiffServer, names: string[], events: number) {
  const end = Date.now() + DELIVERY_DEADLINE_MS;
  for (;;) {
    const records: InvocationSummary[] = [];
    for (const name of names) {
      records.push(...(await server.admin.invocations(name)).filter((r) => r.trigger === "invoke"));
    }
    if (records.length >= events) return records;
    if (Date.now() > end) {
      throw new Error(
        `async: only ${records.length} of ${events} events were delivered within ${DELIVERY_DEADLINE_MS} ms`,
      );
    }
    await sleep(POLL_MS);
  }
}
