// Who is blamed when a direct-plane worker dies. The workers report a direct invocation only once it has run a
// while, so a quick one that crashes its worker goes unseen: the death must then name nobody for sure, not the
// other tenant's long invocation that happened to be seen in flight (three such deaths would quarantine it).
import { request } from "node:http";
import { createServer, type Server } from "node:net";
import { fileURLToPath } from "node:url";
import { singleModuleBundle } from "@skiff/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DirectPlane } from "../../direct-plane.js";
import type { TestPlaneReport } from "../../testing/direct-test-plane.js";
import { emptyFetchAnswer, versionOf } from "../../testing/fixtures.js";
import type { BindingCall, VersionSpec } from "../../types.js";
import { Supervisor, type SupervisorEvent } from "../supervisor.js";

/** The test module, as the workers import it: built (tests run from src/, workers from dist/). */
const MODULE = fileURLToPath(new URL("../../../dist/testing/direct-test-plane.js", import.meta.url));

/** Waits in a binding call until the test releases it: a long invocation, which its worker reports. */
const HOLDS = `export default { async fetch(request, env) {
  await env.HOLD.fetch("https://hold/");
  return new Response("released");
} }`;
/** Crashes its worker (V8 aborts on the heap OOM) when asked, once its isolate is warm. */
const CRASHES = `export default { async fetch(request) {
  if (!new URL(request.url).searchParams.has("crash")) return new Response("warm");
  const big = new Array(1e9).fill(0);
  return new Response(String(big.length));
} }`;

const code = new Map<string, string>();
/** What a (re)started worker's module routes: its snapshot. */
const versions = new Map<string, VersionSpec>();
const events: SupervisorEvent[] = [];
const calls: BindingCall[] = [];
const reports: TestPlaneReport[] = [];
let release: () => void = () => {};
const held = new Promise<void>((resolve) => {
  release = resolve;
});
let runtime: Supervisor;
let plane: DirectPlane;
let server: Server;
let port = 0;
let crasher: VersionSpec;

function get(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (part: Buffer) => parts.push(part));
      res.on("end", () => resolve(Buffer.concat(parts).toString()));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function deploy(name: string, source: string, config: Partial<VersionSpec["config"]> = {}): VersionSpec {
  const version = versionOf(name, config);
  code.set(version.id, source);
  versions.set(name, version);
  plane.broadcast({ type: "version", name, version });
  return version;
}

beforeAll(async () => {
  runtime = new Supervisor({
    // One worker: every connection goes to it.
    workers: 1,
    loadCode: async (version) => singleModuleBundle(code.get(version.id) ?? ""),
    bindingHost: async (call) => {
      calls.push(call);
      await held;
      return emptyFetchAnswer();
    },
    onEvent: (event) => events.push(event),
  });
  plane = runtime.serveDirect({
    module: MODULE,
    config: {},
    snapshot: () => Object.fromEntries(versions),
    onMessage: (data) => reports.push(data as TestPlaneReport),
  });
  server = createServer({ pauseOnConnect: true }, (socket) => plane.hand(socket));
  await runtime.ready();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  port = typeof address === "object" && address !== null ? address.port : 0;
  plane.broadcast({ type: "ping", n: 1 });
  await until(() => reports.some((report) => report.type === "pong"), "the worker's module");
});

afterAll(async () => {
  release();
  server.close();
  await runtime.close();
});

describe("a direct-plane worker crashed by an invocation it had not reported", () => {
  it("gives no strike to the other tenant's invocation seen in flight", { timeout: 30_000 }, async () => {
    const victim = deploy("victim", HOLDS, {
      bindings: [{ type: "service", name: "HOLD", function: "hold" }],
    });
    crasher = deploy("crasher", CRASHES, { memoryMb: 32, cpuMs: 5000, timeoutMs: 10_000 });
    expect(await get("/fn/crasher")).toBe("warm");
    const waiting = get("/fn/victim");
    waiting.catch(() => {});
    await until(() => calls.some((call) => call.version.id === victim.id), "the victim's call");
    // Long enough for the worker to report the victim's invocation as running (after 50 ms).
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(get("/fn/crasher?crash")).rejects.toThrow();
    await until(() => events.some((event) => event.type === "worker-exit"), "the crash");
    expect(events.filter((event) => event.type === "strike")).toEqual([]);
    expect(events.filter((event) => event.type === "quarantined")).toEqual([]);
  });

  it("names the crasher at its next crash: the workers now report each invocation before it runs", {
    timeout: 30_000,
  }, async () => {
    // The replacement worker serves once its module is ready (it is told to watch as it starts).
    let warm = "";
    while (warm !== "warm") warm = await get("/fn/crasher").catch(() => "");
    await expect(get("/fn/crasher?crash")).rejects.toThrow();
    await until(
      () => events.filter((event) => event.type === "worker-exit").length === 2,
      "the second crash",
    );
    expect(events.filter((event) => event.type === "strike")).toEqual([
      expect.objectContaining({ versionId: crasher.id, strikes: 1 }),
    ]);
  });
});
