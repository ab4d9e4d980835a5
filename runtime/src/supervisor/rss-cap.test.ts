// The RSS hard cap with real workers: isolated-vm's memoryLimit is only a guideline, so a worker whose resident
// memory passes the cap is killed; its invocation answers RUNTIME_CRASHED and everything else recovers.
import { singleModuleBundle } from "@skiff/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpEvent, text, versionOf } from "../testing/fixtures.js";
import type { VersionSpec } from "../types.js";
import { Supervisor, type SupervisorEvent } from "./supervisor.js";

// An idle worker holds about 70 MB; the hog below holds about 300 MB more.
const CAP_MB = 200;
const code = new Map<string, string>();
const events: SupervisorEvent[] = [];
let runtime: Supervisor;

function deploy(source: string, name: string, config: Partial<VersionSpec["config"]> = {}): VersionSpec {
  const version = versionOf(name, config);
  code.set(version.id, source);
  return version;
}

beforeAll(async () => {
  runtime = new Supervisor({
    loadCode: async (v) => singleModuleBundle(code.get(v.id) ?? ""),
    // One worker: every function shares it.
    workers: 1,
    maxWorkerRssMb: CAP_MB,
    onEvent: (event) => events.push(event),
  });
  await runtime.ready();
});
afterAll(() => runtime.close());

describe("Supervisor RSS cap", () => {
  it("kills a worker over the cap: the hog's invocation crashes, its neighbour answers", async () => {
    // Within its generous memory limit, but over the worker's RSS cap; it holds the memory until killed.
    const hog = deploy(
      `export default { async fetch() {
         const keep = [];
         for (let i = 0; i < 30; i++) keep.push(new Uint8Array(10 * 1024 * 1024).fill(1));
         await new Promise((r) => setTimeout(r, 10000));
         return new Response(String(keep.length));
       } }`,
      "hog",
      { memoryMb: 1024, timeoutMs: 15_000, cpuMs: 15_000 },
    );
    const calm = deploy(
      "export default { async fetch() { await new Promise((r) => setTimeout(r, 1500)); return new Response('calm') } }",
      "calm",
      { timeoutMs: 10_000 },
    );
    const before = runtime.workerPids();
    const calmCall = runtime.invoke(calm, httpEvent());
    const hogResult = await runtime.invoke(hog, httpEvent());
    expect(hogResult.outcome).toBe("crashed");
    expect(hogResult.error?.message).toMatch(new RegExp(`passed the ${CAP_MB} MB cap`));

    const calmResult = await calmCall;
    expect(calmResult.outcome).toBe("ok");
    expect(text(calmResult.response?.body)).toBe("calm");

    const kills = events.filter((e) => e.type === "rss-kill");
    expect(kills.length).toBeGreaterThan(0);
    for (const kill of kills) {
      expect(kill).toMatchObject({ capMb: CAP_MB });
      expect(kill.type === "rss-kill" && kill.rssMb).toBeGreaterThan(CAP_MB);
    }
    expect(events.some((e) => e.type === "strike" && e.versionId === hog.id)).toBe(true);

    // The worker was replaced and serves again.
    const hello = deploy("export default { fetch() { return new Response('recovered') } }", "hello");
    const deadline = Date.now() + 10_000;
    let answer = await runtime.invoke(hello, httpEvent()).catch(() => undefined);
    while (answer?.outcome !== "ok" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      answer = await runtime.invoke(hello, httpEvent()).catch(() => undefined);
    }
    expect(text(answer?.response?.body)).toBe("recovered");
    expect(runtime.workerPids()).not.toEqual(before);
  });
});
