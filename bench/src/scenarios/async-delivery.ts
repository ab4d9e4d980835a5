// Async delivery: a warm-up round not counted, then N events POSTed to `…/invoke?async=1` by autocannon (in its
// own process); the rate is from the first enqueue to the last handler completion, read from the invocation
// records (start + wall time).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { runLoad } from "../load/run-load.js";
import { MODULES_DIR } from "../paths.js";
import type { InvocationSummary } from "../peers/skiff-admin.js";
import type { SkiffServer } from "../peers/skiff-server.js";
import type { AsyncResult } from "../results.js";
import { round as roundTo } from "../stats.js";
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

  const produce = (amount: number) =>
    runLoad({
      url: `${server.url}/`,
      connections: Math.min(PRODUCER_CONNECTIONS, amount),
      amount,
      method: "POST",
      headers: { authorization: `Bearer ${server.key}`, "content-type": "application/json" },
      body: '{"bench":true}',
      paths: names.map((name) => server.admin.asyncInvokePath(name)),
    });
  /** Enqueues `amount` events and waits until they are all delivered; the rate from first enqueue to last end. */
  const deliver = async (amount: number) => {
    const enqueue = await produce(amount);
    if (enqueue.requests !== amount) {
      throw new Error(
        `async: ${enqueue.requests} of ${amount} events were accepted (${JSON.stringify(enqueue.statusCodes)})`,
      );
    }
    const records = await waitForDeliveries(server, names, amount, enqueue.startedAt);
    const end = Math.max(...records.map((r) => r.startedAt + r.wallMs));
    const seconds = (end - enqueue.startedAt) / 1000;
    return { enqueue, records, seconds, deliveredPerSecond: amount / seconds };
  };

  // A warm-up round first, as warm HTTP runs have one: the first events of a fresh server pay for its JIT and
  // the functions' first isolates (a fixed ≈ 1 s of CPU), which a rate should not spread over a short run.
  const warmup = await timeline.step(plan.async.warmupEvents + 5_000, () => deliver(plan.async.warmupEvents));
  return timeline.step(events + 5_000, async () => {
    const { enqueue, records, seconds, deliveredPerSecond } = await deliver(events);
    const result = {
      events,
      functions,
      enqueuedPerSecond: roundTo(enqueue.requestsPerSecond, 1),
      deliveredPerSecond: roundTo(deliveredPerSecond, 1),
      seconds: roundTo(seconds, 2),
      failedOutcomes: records.filter((r) => r.outcome !== "ok").length,
      warmupEvents: plan.async.warmupEvents,
      warmupDeliveredPerSecond: roundTo(warmup.deliveredPerSecond, 1),
    };
    log(
      `async: ${events} events enqueued at ${Math.round(result.enqueuedPerSecond)}/s, ` +
        `delivered at ${Math.round(result.deliveredPerSecond)}/s (${result.seconds} s; ` +
        `the ${plan.async.warmupEvents}-event warm-up at ${Math.round(result.warmupDeliveredPerSecond)}/s)`,
    );
    return result;
  });
}

/** The invoke records of events delivered since `since` (epoch ms), once there are `events` of them. */
async function waitForDeliveries(server: SkiffServer, names: string[], events: number, since: number) {
  const end = Date.now() + DELIVERY_DEADLINE_MS;
  for (;;) {
    const records: InvocationSummary[] = [];
    for (const name of names) {
      records.push(
        ...(await server.admin.invocations(name)).filter(
          (r) => r.trigger === "invoke" && r.startedAt >= since,
        ),
      );
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
