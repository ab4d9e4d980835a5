// A version stays on its affinity worker while that worker copes, and spills onto a quieter worker when it is
// crowded: real workers, counted through each worker's isolate-cache misses (one per isolate made there).
import { singleModuleBundle } from "@skiff/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpEvent, versionOf } from "../testing/fixtures.js";
import type { VersionSpec } from "../types.js";
import { Supervisor, slotFor } from "./supervisor.js";

const WORKERS = 2;
const code = new Map<string, string>();
let runtime: Supervisor;

// Each call holds its isolate for a while, so that concurrent calls are really in flight together.
const SLOW = `export default { async fetch() {
  await new Promise((resolve) => setTimeout(resolve, 300));
  return new Response("ok");
} }`;

function deploy(name: string): VersionSpec {
  const version = versionOf(name, { concurrency: 50 });
  code.set(version.id, SLOW);
  return version;
}

async function missesBySlot(): Promise<number[]> {
  const { workers } = await runtime.stats();
  return workers.filter((w) => w.role === "invocations").map((w) => w.isolates?.misses ?? 0);
}

beforeAll(async () => {
  runtime = new Supervisor({
    loadCode: async (v) => singleModuleBundle(code.get(v.id) ?? ""),
    workers: WORKERS,
  });
  await runtime.ready();
});
afterAll(() => runtime.close());

describe("affinity and spill-over", () => {
  it("keeps a version on its affinity worker when few of its calls are in flight", async () => {
    const version = deploy("calm");
    const home = slotFor(version.id, WORKERS);
    const before = await missesBySlot();
    const results = await Promise.all(Array.from({ length: 4 }, () => runtime.invoke(version, httpEvent())));
    expect(results.map((r) => r.outcome)).toEqual(["ok", "ok", "ok", "ok"]);
    const after = await missesBySlot();
    expect((after[home] ?? 0) - (before[home] ?? 0)).toBe(4);
    expect((after[1 - home] ?? 0) - (before[1 - home] ?? 0)).toBe(0);
  });

  it("spills a crowded version onto the quieter worker, so both serve it", async () => {
    const version = deploy("crowded");
    const home = slotFor(version.id, WORKERS);
    const before = await missesBySlot();
    const results = await Promise.all(Array.from({ length: 24 }, () => runtime.invoke(version, httpEvent())));
    expect(results.every((r) => r.outcome === "ok")).toBe(true);
    const after = await missesBySlot();
    const onHome = (after[home] ?? 0) - (before[home] ?? 0);
    const spilled = (after[1 - home] ?? 0) - (before[1 - home] ?? 0);
    expect(onHome + spilled).toBe(24);
    expect(spilled).toBeGreaterThan(0);
    expect(onHome).toBeGreaterThanOrEqual(spilled);
  });
});
