// Crash attribution with real workers: a function that aborts its worker on every call is struck out and
// quarantined, while an innocent function sharing its worker never sees an error.
import { type InvocationResult, singleModuleBundle } from "@skiff/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpEvent, text, versionOf } from "../testing/fixtures.js";
import type { VersionSpec } from "../types.js";
import { Supervisor, type SupervisorEvent, slotFor } from "./supervisor.js";

const WORKERS = 2;
const code = new Map<string, string>();
const events: SupervisorEvent[] = [];
let runtime: Supervisor;

function deploy(source: string, name: string, config: Partial<VersionSpec["config"]> = {}): VersionSpec {
  const version = versionOf(name, config);
  code.set(version.id, source);
  return version;
}

/** A version of `name` whose affinity worker is `slot` (version ids are fresh each time, so keep drawing). */
function deployOnSlot(slot: number, source: string, name: string): VersionSpec {
  for (;;) {
    const version = deploy(source, name);
    if (slotFor(version.id, WORKERS) === slot) return version;
  }
}

// A huge dense array aborts the whole worker process: isolated-vm's memoryLimit cannot stop it.
const ABORTS_WORKER = "export default { fetch() { new Array(1e9).fill(0); return new Response('x') } }";
const WORKER_DEATH = ["crashed", "exceededMemory"];

beforeAll(async () => {
  runtime = new Supervisor({
    loadCode: async (v) => singleModuleBundle(code.get(v.id) ?? ""),
    workers: WORKERS,
    maxQueueWaitMs: 200,
    probationIdleMs: 3000,
    onEvent: (event) => events.push(event),
  });
  await runtime.ready();
});
afterAll(() => runtime.close());

describe("Supervisor crash attribution", () => {
  it("quarantines a function that aborts its worker each call; its slot neighbour sees only successes", async () => {
    const crasher = deploy(ABORTS_WORKER, "crasher", { memoryMb: 16 });
    const innocent = deployOnSlot(
      slotFor(crasher.id, WORKERS),
      "export default { async fetch() { await new Promise((r) => setTimeout(r, 200)); return new Response('fine') } }",
      "innocent",
    );

    // Two callers keep the innocent function in flight on the crasher's worker all along.
    const innocentResults: InvocationResult[] = [];
    let stop = false;
    const caller = async () => {
      while (!stop) innocentResults.push(await runtime.invoke(innocent, httpEvent()));
    };
    const callers = [caller(), caller()];
    const warmDeadline = Date.now() + 10_000;
    while (innocentResults.length === 0 && Date.now() < warmDeadline)
      await new Promise((r) => setTimeout(r, 20));

    try {
      for (let call = 1; call <= 3; call++) {
        const result = await runtime.invoke(crasher, httpEvent());
        expect(WORKER_DEATH).toContain(result.outcome);
      }
      await expect(runtime.invoke(crasher, httpEvent())).rejects.toMatchObject({
        code: "FUNCTION_QUARANTINED",
      });
      // The innocent function now runs in a probation worker of its own.
      expect(runtime.probationPids().length).toBeGreaterThan(0);
    } finally {
      stop = true;
      await Promise.all(callers);
    }

    const [info] = runtime.quarantined();
    expect(runtime.quarantined()).toHaveLength(1);
    expect(info).toMatchObject({
      tenant: "test",
      functionName: "crasher",
      versionId: crasher.id,
      crashes: 3,
    });
    expect(info?.reason).toMatch(/3 times within 5 minutes/);
    expect(events).toContainEqual({ type: "quarantined", info });
    const strikes = events.filter((e) => e.type === "strike" && e.versionId === crasher.id);
    expect(strikes.map((e) => (e.type === "strike" ? e.strikes : 0))).toEqual([1, 2, 3]);

    // The innocent function never failed, and was never struck.
    expect(innocentResults.length).toBeGreaterThan(2);
    expect(innocentResults.filter((r) => r.outcome !== "ok")).toEqual([]);
    expect(innocentResults.every((r) => text(r.response?.body) === "fine")).toBe(true);
    expect(events.some((e) => e.type === "strike" && e.versionId === innocent.id)).toBe(false);
    // The first crash happened with the innocent function in flight: it was run again, on a probation worker.
    expect(events.some((e) => e.type === "worker-exit" && e.rerun > 0 && e.suspects.length === 2)).toBe(true);
    expect(events.some((e) => e.type === "probation" && e.versionId === innocent.id)).toBe(true);

    // Another version of the function (a deploy) runs; the quarantined one is still refused.
    const fixed = deploy("export default { fetch() { return new Response('fixed') } }", "crasher");
    const deployed = await runtime.invoke(fixed, httpEvent());
    expect(text(deployed.response?.body)).toBe("fixed");
    await expect(runtime.invoke(crasher, httpEvent())).rejects.toMatchObject({
      code: "FUNCTION_QUARANTINED",
    });

    // Lifting the quarantine lets the old version run (and crash) again.
    runtime.liftQuarantine("test", "crasher");
    expect(runtime.quarantined()).toEqual([]);
    const again = await runtime.invoke(crasher, httpEvent());
    expect(WORKER_DEATH).toContain(again.outcome);
    expect(runtime.quarantined()).toEqual([]);
  });

  it("retires idle probation workers without counting it as a crash", async () => {
    const exitsBefore = events.filter((e) => e.type === "worker-exit").length;
    const deadline = Date.now() + 15_000;
    while (runtime.probationPids().length > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(runtime.probationPids()).toEqual([]);
    expect(events.filter((e) => e.type === "worker-exit")).toHaveLength(exitsBefore);
  });

  it("reports restart counts, and keeps serving on every worker after the crashes", async () => {
    const restarts = events.filter((e) => e.type === "worker-restart");
    expect(restarts.length).toBeGreaterThan(0);
    for (const restart of restarts)
      expect(restart.type === "worker-restart" && restart.restarts).toBeGreaterThan(0);
    for (let slot = 0; slot < WORKERS; slot++) {
      const hello = deployOnSlot(slot, "export default { fetch() { return new Response('hi') } }", "hello");
      expect((await runtime.invoke(hello, httpEvent())).outcome).toBe("ok");
    }
  });
});
