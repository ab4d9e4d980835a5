// Which direct invocations the supervisor hears of: only those running past REPORT_AFTER_MS, once each.
import { describe, expect, it } from "vitest";
import type { DirectFromWorker } from "../../protocol.js";
import { versionOf } from "../../testing/fixtures.js";
import { WAIT_UNTIL_MS } from "../invoker.js";
import { REPORT_AFTER_MS, RunningReporter } from "./running-reporter.js";

describe("RunningReporter", () => {
  it("reports long invocations once with their deadline, and their end; short ones not at all", async () => {
    const sent: DirectFromWorker[] = [];
    let now = 1000;
    const reporter = new RunningReporter({
      send: (message) => sent.push(message),
      now: () => now,
      intervalMs: 1,
    });
    const version = versionOf("slow", { timeoutMs: 2000 });
    reporter.started("short", version);
    reporter.started("long", version);
    expect(reporter.has("long")).toBe(true);
    reporter.ended("short");
    now += REPORT_AFTER_MS;
    const deadline = Date.now() + 5000;
    while (sent.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    await new Promise((r) => setTimeout(r, 10));
    expect(sent).toEqual([
      {
        type: "direct-running",
        id: "long",
        tenant: version.tenant,
        functionName: version.functionName,
        versionId: version.id,
        deadlineMs: 1000 + 2000 + WAIT_UNTIL_MS,
      },
    ]);
    reporter.ended("long");
    expect(reporter.has("long")).toBe(false);
    expect(sent.at(-1)).toEqual({ type: "direct-ended", id: "long" });
    expect(sent).toHaveLength(2);
  });

  it("once watched, reports each invocation as it starts, and those in flight at once, flushed", () => {
    const sent: DirectFromWorker[] = [];
    let flushes = 0;
    const now = 1000;
    const reporter = new RunningReporter({
      send: (message) => sent.push(message),
      flush: () => flushes++,
      now: () => now,
      intervalMs: 60_000,
    });
    const version = versionOf("quick", { timeoutMs: 2000 });
    reporter.started("before", version);
    expect(sent).toEqual([]);
    reporter.watch(now + 10);
    expect(sent.map((m) => m.type)).toEqual(["direct-running", "direct-watching"]);
    expect(flushes).toBe(1);
    reporter.started("during", version);
    expect(sent.at(-1)).toMatchObject({ type: "direct-running", id: "during", versionId: version.id });
    // Sent before the invocation runs: an isolate that crashes the worker at once is still named.
    expect(flushes).toBe(2);
    reporter.ended("during");
    expect(sent.at(-1)).toEqual({ type: "direct-ended", id: "during" });
    reporter.ended("before");
  });
});
