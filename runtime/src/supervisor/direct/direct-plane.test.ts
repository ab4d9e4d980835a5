// The direct data plane with real workers, real isolates and real sockets: connections handed round-robin to
// the workers' own HTTP servers, which run functions in-process with the supervisor's refusals and quotas.
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
/** The supervisor's bound on `ctx.waitUntil` work, which its watchdog allows past a timeout. */
const WAIT_UNTIL_MS = 30_000;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request on a fresh connection (so each goes through `hand`); rejects when the connection is cut. */
function get(port: number, path: string, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const method = body === undefined ? "GET" : "POST";
    const req = request({ host: "127.0.0.1", port, path, method, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (part: Buffer) => parts.push(part));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString() }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function until(condition: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A supervisor serving the direct plane on a loopback port, with a binding host the tests steer. */
class Platform {
  readonly code = new Map<string, string>();
  readonly loads = new Map<string, number>();
  readonly versions = new Map<string, VersionSpec>();
  readonly reports: Array<{ data: TestPlaneReport; slot: number }> = [];
  /** Slots whose module stopped serving (`onStopped`), in order. */
  readonly stopped: number[] = [];
  readonly events: SupervisorEvent[] = [];
  readonly calls: BindingCall[] = [];
  /** Binding calls to HOLD wait for this. */
  #releaseHolds: () => void = () => {};
  #holds = new Promise<void>((resolve) => {
    this.#releaseHolds = resolve;
  });
  readonly runtime: Supervisor;
  readonly plane: DirectPlane;
  readonly #server: Server;
  port = 0;

  constructor(workers: number, watchdogGraceMs?: number, planeStuckMs?: number) {
    this.runtime = new Supervisor({
      workers,
      maxQueueWaitMs: 1000,
      ...(watchdogGraceMs === undefined ? {} : { watchdogGraceMs }),
      ...(planeStuckMs === undefined ? {} : { planeStuckMs }),
      egress: { maxSubrequests: 1000 },
      loadCode: async (version) => {
        this.loads.set(version.id, (this.loads.get(version.id) ?? 0) + 1);
        // Slow enough that concurrent cold requests overlap.
        await pause(50);
        return singleModuleBundle(this.code.get(version.id) ?? "");
      },
      bindingHost: async (call) => {
        this.calls.push(call);
        if (call.binding.name === "HOLD") await this.#holds;
        return emptyFetchAnswer();
      },
      onEvent: (event) => this.events.push(event),
    });
    this.plane = this.runtime.serveDirect({
      module: MODULE,
      config: {},
      snapshot: () => Object.fromEntries(this.versions),
      onMessage: (data, slot) => this.reports.push({ data: data as TestPlaneReport, slot }),
      onStopped: (slot) => this.stopped.push(slot),
    });
    this.#server = createServer({ pauseOnConnect: true }, (socket) => this.plane.hand(socket));
  }

  async start(): Promise<void> {
    await this.runtime.ready();
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    const address = this.#server.address();
    this.port = typeof address === "object" && address !== null ? address.port : 0;
    // Every worker's module is ready once each has answered a ping.
    const n = Math.random();
    this.plane.broadcast({ type: "ping", n });
    await until(
      () =>
        this.reports.filter(({ data }) => data.type === "pong" && data.n === n).length === this.plane.workers,
      "every worker's module",
    );
  }

  deploy(name: string, source: string, config: Partial<VersionSpec["config"]> = {}): VersionSpec {
    const version = versionOf(name, config);
    this.code.set(version.id, source);
    this.versions.set(name, version);
    this.plane.broadcast({ type: "version", name, version });
    return version;
  }

  get(path: string, body?: string): Promise<Reply> {
    return get(this.port, path, body);
  }

  releaseHolds(): void {
    this.#releaseHolds();
    this.#holds = new Promise<void>((resolve) => {
      this.#releaseHolds = resolve;
    });
  }

  async close(): Promise<void> {
    this.releaseHolds();
    // Not awaited: once every worker it handed sockets to has died, net.Server's close never calls back (it
    // counts on a live worker to report its sockets closed).
    this.#server.close();
    await this.runtime.close();
  }
}

const HOLDS = `export default { async fetch(request, env) {
  await env.HOLD.fetch("https://hold/" + request.headers.get("x-direct-slot"));
  return new Response("released");
} }`;
/** HOLDS, but `?quick` answers at once with a streamed body. */
const HOLDS_UNLESS_QUICK = `export default { async fetch(request, env) {
  if (new URL(request.url).searchParams.has("quick")) {
    const words = ["from ", "probation"];
    return new Response(new ReadableStream({
      pull(controller) {
        const word = words.shift();
        if (word === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(word));
      },
    }));
  }
  await env.HOLD.fetch("https://hold/" + request.headers.get("x-direct-slot"));
  return new Response("released");
} }`;
const HOLD_BINDING = { bindings: [{ type: "service" as const, name: "HOLD", function: "hold" }] };

let platform: Platform;

beforeAll(async () => {
  platform = new Platform(2);
  await platform.start();
});
afterAll(() => platform.close());

describe("the direct data plane", () => {
  it("serves connections handed round-robin to the workers, in their own isolates", async () => {
    platform.deploy("hello", `export default { fetch() { return new Response("hello from the worker") } }`);
    const replies = [];
    for (let i = 0; i < 4; i++) replies.push(await platform.get("/fn/hello"));
    expect(replies.map((reply) => reply.body)).toEqual(Array(4).fill("hello from the worker"));
    const slots = replies.map((reply) => reply.headers["x-slot"]);
    expect(new Set(slots)).toEqual(new Set(["0", "1"]));
    expect(slots[0]).toBe(slots[2]);
    expect(slots[1]).toBe(slots[3]);
    expect(replies.map((reply) => Number(reply.headers["x-pid"]))).toEqual(
      slots.map((slot) => platform.runtime.workerPids()[Number(slot)]),
    );
  });

  it("hands the request body to the function", async () => {
    platform.deploy(
      "echo",
      `export default { async fetch(request) { return new Response(request.method + " " + (await request.text())) } }`,
    );
    expect((await platform.get("/fn/echo", "the body")).body).toBe("POST the body");
    expect((await platform.get("/fn/echo", "another")).body).toBe("POST another");
  });

  it("carries broadcast data to every worker's module and its answers back with the slot", async () => {
    platform.plane.broadcast({ type: "ping", n: 42 });
    await until(
      () => platform.reports.filter(({ data }) => "n" in data && data.n === 42).length === 2,
      "pongs",
    );
    const pongs = platform.reports.filter(({ data }) => "n" in data && data.n === 42);
    expect(pongs.map(({ slot }) => slot).sort()).toEqual([0, 1]);
    expect(pongs.every(({ data, slot }) => data.type === "pong" && data.slot === slot)).toBe(true);
  });

  it("fetches a version's code once per worker, however many cold requests wait for it", async () => {
    const version = platform.deploy("cold", `export default { fetch() { return new Response("warm now") } }`);
    const replies = await Promise.all(Array.from({ length: 8 }, () => platform.get("/fn/cold")));
    expect(replies.map((reply) => reply.body)).toEqual(Array(8).fill("warm now"));
    expect(platform.loads.get(version.id)).toBe(2);
    // Warm from now on: no more fetches.
    await Promise.all(Array.from({ length: 4 }, () => platform.get("/fn/cold")));
    expect(platform.loads.get(version.id)).toBe(2);
    // An eviction reaches the workers that fetched the code themselves: each fetches it again.
    platform.runtime.evict(version.id);
    await Promise.all(Array.from({ length: 2 }, () => platform.get("/fn/cold")));
    expect(platform.loads.get(version.id)).toBe(4);
  });

  it("streams a response with backpressure reaching the handler", async () => {
    const version = platform.deploy(
      "stream",
      `export default { fetch(request, env) {
        let i = 0;
        const body = new ReadableStream({
          async pull(controller) {
            i++;
            await env.PROGRESS.fetch("https://progress/" + i);
            controller.enqueue(new TextEncoder().encode(String(i % 10).repeat(16384)));
            if (i === 40) controller.close();
          },
        }, { highWaterMark: 0 });
        return new Response(body);
      } }`,
      { bindings: [{ type: "service", name: "PROGRESS", function: "progress" }] },
    );
    const pulls = () => platform.calls.filter((call) => call.version.id === version.id).length;
    const reply = platform.get("/fn/stream?hold");
    await until(() => platform.reports.some(({ data }) => data.type === "holding"), "the first chunk");
    // The module reads no further: the handler must stall within a few chunks, not produce all 40.
    await pause(500);
    expect(pulls()).toBeLessThan(8);
    platform.plane.broadcast({ type: "release" });
    const { status, body } = await reply;
    expect(status).toBe(200);
    expect(body).toHaveLength(40 * 16384);
    expect(body.slice(16384 * 39)).toBe("0".repeat(16384));
    expect(pulls()).toBe(40);
  });

  it("refuses a quarantined version as the supervisor does, and serves it again once lifted", async () => {
    const version = platform.deploy(
      "quarantined",
      `export default { fetch() { return new Response("back") } }`,
    );
    platform.runtime.quarantine({
      tenant: version.tenant,
      functionName: version.functionName,
      versionId: version.id,
      since: Date.now(),
      crashes: 3,
      reason: "a test",
    });
    const refusal = await platform.runtime
      .invoke(version, { kind: "http", method: "GET", url: "http://x/", headers: [], body: null })
      .catch((error: { code: string; message: string }) => error);
    for (let i = 0; i < 2; i++) {
      const reply = await platform.get("/fn/quarantined");
      expect(reply.status).toBe(503);
      expect(JSON.parse(reply.body)).toEqual({
        error: { code: "FUNCTION_QUARANTINED", message: (refusal as { message: string }).message },
      });
    }
    platform.runtime.liftQuarantine(version.tenant, version.functionName);
    expect((await platform.get("/fn/quarantined")).body).toBe("back");
    expect((await platform.get("/fn/quarantined")).body).toBe("back");
  });

  it("gives each worker its share of a function's concurrency; binding calls reach the host with the spec", async () => {
    const version = platform.deploy("shared", HOLDS, { ...HOLD_BINDING, concurrency: 2 });
    const held = () => platform.calls.filter((call) => call.version.id === version.id);
    // Round-robin over two workers: the first and third connections go to the same one.
    const first = platform.get("/fn/shared");
    const second = platform.get("/fn/shared");
    await until(() => held().length === 2, "both invocations to hold");
    const third = await platform.get("/fn/shared");
    expect(third.status).toBe(429);
    expect(JSON.parse(third.body).error.code).toBe("TOO_MANY_REQUESTS");
    platform.releaseHolds();
    const [one, two] = await Promise.all([first, second]);
    expect([one.status, two.status, one.body]).toEqual([200, 200, "released"]);
    expect(third.headers["x-slot"]).toBe(one.headers["x-slot"]);
    expect(held().map((call) => call.binding)).toEqual([HOLD_BINDING.bindings[0], HOLD_BINDING.bindings[0]]);
    expect(held().map((call) => call.version)).toEqual([version, version]);
    expect(held().every((call) => call.invocationId?.startsWith("direct-"))).toBe(true);
  });

  it("cuts a dead worker's connections only; the replacement starts the plane again and serves", async () => {
    const version = platform.deploy("doomed", HOLDS_UNLESS_QUICK, HOLD_BINDING);
    platform.deploy("bystander", `export default { fetch() { return new Response("still here") } }`);
    const doomed = platform.get("/fn/doomed");
    doomed.catch(() => {});
    await until(() => platform.calls.some((call) => call.version.id === version.id), "the doomed call");
    const call = platform.calls.find((candidate) => candidate.version.id === version.id) as BindingCall;
    const slot = Number(new URL((call.args as { url: string }).url).pathname.slice(1));
    // Long enough for the worker to report the invocation as running (after 50 ms).
    await pause(300);
    const pid = platform.runtime.workerPids()[slot] as number;
    process.kill(pid, "SIGKILL");
    await expect(doomed).rejects.toThrow();
    const exit = await (async () => {
      await until(() => platform.events.some((event) => event.type === "worker-exit"), "the exit");
      return platform.events.find((event) => event.type === "worker-exit");
    })();
    expect(exit).toMatchObject({ slot, suspects: [`test/doomed@${version.id}`] });
    // The main process hears that this slot's module stopped: its replacement starts from a fresh snapshot.
    expect(platform.stopped).toContain(slot);
    // Meanwhile the other worker still serves, and the replacement serves once its module is ready.
    let replaced = false;
    const deadline = Date.now() + 20_000;
    while (!replaced && Date.now() < deadline) {
      const reply = await platform.get("/fn/bystander").catch(() => undefined);
      if (reply === undefined) continue;
      expect(reply.body).toBe("still here");
      replaced = reply.headers["x-slot"] === String(slot) && reply.headers["x-pid"] !== String(pid);
    }
    expect(replaced).toBe(true);
  });

  it("has the supervisor run a suspect of a worker's death alone in a probation worker", async () => {
    // The previous test's worker died with only "doomed" in flight: a strike, and probation.
    const doomed = platform.versions.get("doomed") as VersionSpec;
    expect(platform.events.find((event) => event.type === "probation")).toMatchObject({
      versionId: doomed.id,
    });
    expect(platform.runtime.probationPids()).toEqual([]);
    for (let i = 0; i < 2; i++) {
      const reply = await platform.get("/fn/doomed?quick");
      expect([reply.status, reply.body]).toEqual([200, "from probation"]);
    }
    expect(platform.runtime.probationPids()).toHaveLength(1);
    expect(platform.runtime.workerPids()).not.toContain(platform.runtime.probationPids()[0]);
  });

  it("stops handing connections when closed and lets requests in flight finish", async () => {
    platform.deploy("draining", HOLDS, HOLD_BINDING);
    const before = platform.calls.length;
    const inFlight = platform.get("/fn/draining");
    await until(() => platform.calls.length > before, "the request in flight");
    const closed = platform.plane.close(10_000);
    await expect(platform.get("/fn/draining")).rejects.toThrow();
    platform.releaseHolds();
    expect(await inFlight).toMatchObject({ status: 200, body: "released" });
    await closed;
  });
});

describe("the direct data plane's watchdog", () => {
  let stuck: Platform;
  beforeAll(async () => {
    // A grace that cancels the waitUntil bound, so the watchdog fires a second past a 500 ms timeout.
    stuck = new Platform(1, -WAIT_UNTIL_MS + 500);
    await stuck.start();
  });
  afterAll(() => stuck.close());

  it("counts a long direct invocation as a suspect and kills its worker once it is stuck past its deadline", async () => {
    const version = stuck.deploy("stuck", HOLDS, { ...HOLD_BINDING, timeoutMs: 500 });
    const request = stuck.get("/fn/stuck");
    request.catch(() => {});
    await until(() => stuck.calls.length > 0, "the invocation to start");
    await pause(200);
    const pid = stuck.runtime.workerPids()[0] as number;
    // A stopped worker answers nothing, as one stuck in a native call: only the watchdog can end it.
    process.kill(pid, "SIGSTOP");
    await until(() => stuck.events.some((event) => event.type === "worker-exit"), "the watchdog", 10_000);
    expect(stuck.events.find((event) => event.type === "watchdog-kill")).toMatchObject({
      slot: 0,
      invocationId: "direct-0-1",
    });
    expect(stuck.events.find((event) => event.type === "worker-exit")).toMatchObject({
      suspects: [`test/stuck@${version.id}`],
      reason: expect.stringMatching(/watchdog/),
    });
    expect(stuck.events.find((event) => event.type === "strike")).toMatchObject({ versionId: version.id });
    await expect(request).rejects.toThrow();
  });
});

describe("a direct plane worker that stops answering", () => {
  let silent: Platform;
  beforeAll(async () => {
    silent = new Platform(1, undefined, 1500);
    await silent.start();
  });
  afterAll(() => silent.close());

  it("is pinged while idle, and killed and replaced once it answers nothing", async () => {
    silent.deploy("hello", `export default { fetch() { return new Response("hello") } }`);
    expect((await silent.get("/fn/hello")).body).toBe("hello");
    // Idle past the silence bound: the pings keep a live worker from being taken for a stuck one.
    await pause(2500);
    expect(silent.events.filter((event) => event.type === "unresponsive-kill")).toEqual([]);
    const pid = silent.runtime.workerPids()[0] as number;
    // Stopped with nothing in flight: no watchdog knows of it, only its silence tells.
    process.kill(pid, "SIGSTOP");
    await until(
      () => silent.events.some((event) => event.type === "worker-exit"),
      "the silent worker's kill",
      15_000,
    );
    expect(silent.events.find((event) => event.type === "unresponsive-kill")).toMatchObject({
      slot: 0,
      pid,
      silentMs: 1500,
    });
    // The replacement starts the plane again and serves (connections before it is ready are cut).
    const deadline = Date.now() + 20_000;
    let answer: Reply | undefined;
    while (answer?.body !== "hello" && Date.now() < deadline) {
      answer = await silent.get("/fn/hello").catch(() => undefined);
      if (answer?.body !== "hello") await pause(50);
    }
    expect(answer?.body).toBe("hello");
  });
});

describe("a direct plane whose module cannot start", () => {
  it("is reported, and its worker gets no connections", async () => {
    const events: SupervisorEvent[] = [];
    const runtime = new Supervisor({
      workers: 1,
      loadCode: async () => singleModuleBundle(""),
      onEvent: (event) => events.push(event),
    });
    // A module without `startDirectPlane`.
    const stopped: number[] = [];
    const plane = runtime.serveDirect({
      module: fileURLToPath(new URL("../../../dist/testing/fixtures.js", import.meta.url)),
      config: {},
      snapshot: () => ({}),
      onMessage: () => {},
      onStopped: (slot) => stopped.push(slot),
    });
    expect(() =>
      runtime.serveDirect({ module: MODULE, config: {}, snapshot: () => ({}), onMessage: () => {} }),
    ).toThrow(/already/);
    const server = createServer({ pauseOnConnect: true }, (socket) => plane.hand(socket));
    try {
      await runtime.ready();
      await until(() => events.some((event) => event.type === "direct-failed"), "the failure");
      expect(events.find((event) => event.type === "direct-failed")).toMatchObject({
        slot: 0,
        message: expect.stringMatching(/does not export startDirectPlane/),
      });
      expect(stopped).toEqual([0]);
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const { port } = server.address() as { port: number };
      await expect(get(port, "/fn/any")).rejects.toThrow();
    } finally {
      server.close();
      await runtime.close();
    }
    expect(() =>
      runtime.serveDirect({ module: MODULE, config: {}, snapshot: () => ({}), onMessage: () => {} }),
    ).toThrow(/closed/);
  });
});
