// The worker's side of the direct data plane, run in the test process: a real Supervisor's invoke stands in for
// the worker's own isolates, and connections come from a real net.Server accepting them paused, as the main
// process does.
import { once } from "node:events";
import { connect, createServer, type Server } from "node:net";
import { DEFAULT_QUOTAS, resolveFunctionConfig, singleModuleBundle, type TenantQuotas } from "@skiff/core";
import type { DirectPlaneInstance, VersionSpec } from "@skiff/runtime";
import { Supervisor } from "@skiff/runtime";
import { request } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_HTTP_LIMITS, type HttpServerLimits } from "../http-server.js";
import type { DirectPlaneConfig, MainMessage, WorkerMessage } from "./plane-messages.js";
import { startDirectPlane, workerPlaneModule } from "./worker-plane.js";

const code = new Map<string, string>();
let supervisor: Supervisor;

beforeAll(async () => {
  supervisor = new Supervisor({
    loadCode: async (v) => singleModuleBundle(code.get(v.id) ?? ""),
    workers: 1,
  });
  await supervisor.ready();
});
afterAll(() => supervisor.close());

let versions = 0;
function deploy(functionName: string, source: string): VersionSpec {
  versions += 1;
  const id = `v${versions}`;
  code.set(id, source);
  return {
    id,
    tenant: "acme",
    functionName,
    number: versions,
    codeHash: id,
    config: resolveFunctionConfig(),
    secrets: {},
  };
}

const hello = (label: string) =>
  `export default { fetch(request) { console.log("${label}"); return new Response("${label}:" + new URL(request.url).pathname); } };`;

interface Running {
  plane: DirectPlaneInstance;
  sent: WorkerMessage[];
  url: string;
  port: number;
  listener: Server;
}
const running: Running[] = [];

async function startPlane(
  routes: VersionSpec[],
  quotas: Array<[string, TenantQuotas]> = [],
  http: Partial<HttpServerLimits> = {},
): Promise<Running> {
  const sent: WorkerMessage[] = [];
  const config: DirectPlaneConfig = {
    baseDomain: "localhost",
    requestBodyBytes: 1024 * 1024,
    maxUrlBytes: 8 * 1024,
    http: { ...DEFAULT_HTTP_LIMITS, ...http },
    logLevel: "silent",
    mainUrl: "http://main.example:8787",
  };
  const plane = await startDirectPlane({
    config,
    snapshot: { routes, quotas, seq: 7 },
    slot: 0,
    workers: 2,
    runtime: supervisor,
    send: (data) => sent.push(data as WorkerMessage),
  });
  const listener = createServer({ pauseOnConnect: true }, (socket) => plane.connection(socket));
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  const { port } = listener.address() as { port: number };
  const started = { plane, sent, url: `http://127.0.0.1:${port}`, port, listener };
  running.push(started);
  return started;
}

afterEach(async () => {
  for (const { plane, listener } of running.splice(0)) {
    await plane.close(0);
    listener.close();
  }
});

/** Polls until `check` returns a value, for up to 10 s. */
async function eventually<T>(check: () => T | undefined): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met within 10 s");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function get(url: string): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  const answer = await request(url, { reset: true });
  return { status: answer.statusCode, text: await answer.body.text(), headers: answer.headers };
}

/** Writes `raw` on a new connection and reads until the server closes it. */
async function rawExchange(port: number, raw: string): Promise<string> {
  const socket = connect(port, "127.0.0.1");
  let received = "";
  socket.setEncoding("utf8").on("data", (chunk: string) => {
    received += chunk;
  });
  socket.write(raw);
  await once(socket, "close");
  return received;
}

describe("startDirectPlane", () => {
  it("points at the compiled module, which the worker imports with plain Node", () => {
    expect(workerPlaneModule()).toMatch(/[/\\]cli[/\\]dist[/\\]server[/\\]direct[/\\]worker-plane\.js$/);
  });

  it("answers function requests on a handed connection and reports their records and metrics per turn", async () => {
    const { url, sent } = await startPlane([deploy("hello", hello("one"))]);
    const answer = await get(`${url}/fn/acme/hello/a/b`);
    expect(answer).toMatchObject({ status: 200, text: "one:/a/b" });
    const invocationId = answer.headers["x-skiff-invocation-id"];
    expect(invocationId).toMatch(/\S/);

    const records = await eventually(() => {
      const all = sent.flatMap((message) => message.records ?? []);
      return all.length > 0 ? all : undefined;
    });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      id: invocationId,
      tenant: "acme",
      functionName: "hello",
      status: 200,
    });
    expect(records[0]?.logs.map((line) => line.message)).toEqual(["one"]);
    expect(sent.flatMap((message) => message.http ?? [])).toEqual([
      ["function", "GET", 200, expect.any(Number)],
    ]);
    expect(sent[0]).toEqual({ ready: true, routed: 7 });
  });

  it("answers anything else with 404 naming the main port, counted as route other", async () => {
    const { url, sent } = await startPlane([]);
    const answer = await get(`${url}/api/v1/tenants`);
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.text)).toEqual({
      error: {
        code: "NOT_FOUND",
        message:
          "this port serves functions only (/fn/{tenant}/{function}/… or a function host); the admin API is at http://main.example:8787",
      },
    });
    await eventually(() => (sent.some((message) => message.http?.[0]?.[0] === "other") ? true : undefined));
  });

  it("runs a function for a target its fast path declines, through the main port's Hono chain", async () => {
    const { port, sent } = await startPlane([deploy("hello", hello("abs"))]);
    const absolute = await rawExchange(
      port,
      "GET http://127.0.0.1/fn/acme/hello/a?b=c HTTP/1.1\r\nHost: 127.0.0.1\r\nx-request-id: abs-1\r\nConnection: close\r\n\r\n",
    );
    expect(absolute).toMatch(/^HTTP\/1\.1 200 /);
    expect(absolute).toMatch(/\r\nx-request-id: abs-1\r\n/i);
    expect(absolute).toContain("abs:/a");
    const invocationId = /\r\nx-skiff-invocation-id: (\S+)\r\n/i.exec(absolute)?.[1];
    const records = await eventually(() => {
      const all = sent.flatMap((message) => message.records ?? []);
      return all.length > 0 ? all : undefined;
    });
    expect(records.map((record) => [record.id, record.functionName, record.status])).toEqual([
      [invocationId, "hello", 200],
    ]);

    // Over-long: 414 before any routing, as on the main port; still a function request in the metrics.
    const long = await rawExchange(
      port,
      `GET /fn/acme/hello/${"x".repeat(9000)} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
    );
    expect(long).toMatch(/^HTTP\/1\.1 414 /);
    expect(long).toContain('"code":"URI_TOO_LONG"');
    // Absolute-form or not, what is not a function gets the 404 naming the main port.
    const health = await rawExchange(
      port,
      "GET http://127.0.0.1/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    );
    expect(health).toMatch(/^HTTP\/1\.1 404 /);
    expect(health).toContain("the admin API is at http://main.example:8787");
    const http = await eventually(() => {
      const all = sent.flatMap((message) => message.http ?? []);
      return all.length === 3 ? all : undefined;
    });
    expect(http.map(([route, method, status]) => [route, method, status])).toEqual([
      ["function", "GET", 200],
      ["function", "GET", 414],
      ["other", "GET", 404],
    ]);
  });

  it("follows the main process's route and quota messages, holding the tenant to this worker's share", async () => {
    const first = deploy("hello", hello("first"));
    const { plane, url } = await startPlane([first], [["acme", DEFAULT_QUOTAS]]);
    expect((await get(`${url}/fn/acme/hello/`)).text).toBe("first:/");

    const second = deploy("hello", hello("second"));
    const stopped = { ...DEFAULT_QUOTAS, requestsPerSecond: 0 };
    plane.message({
      type: "route",
      seq: 8,
      tenant: "acme",
      functionName: "hello",
      version: second,
      quotas: stopped,
    } satisfies MainMessage);
    const refused = await get(`${url}/fn/acme/hello/`);
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.text).error.code).toBe("RATE_LIMITED");

    plane.message({ type: "quotas", tenant: "acme", quotas: DEFAULT_QUOTAS } satisfies MainMessage);
    expect((await get(`${url}/fn/acme/hello/`)).text).toBe("second:/");

    // Two workers share maxConcurrentInvocations 1 as 1 each; 0 stays 0: nothing may run.
    plane.message({
      type: "quotas",
      tenant: "acme",
      quotas: { ...DEFAULT_QUOTAS, maxConcurrentInvocations: 0 },
    });
    const busy = await get(`${url}/fn/acme/hello/`);
    expect(busy.status).toBe(429);
    expect(JSON.parse(busy.text).error.code).toBe("TOO_MANY_REQUESTS");

    plane.message({
      type: "route",
      seq: 9,
      tenant: "acme",
      functionName: "hello",
      version: null,
      quotas: DEFAULT_QUOTAS,
    });
    const gone = await get(`${url}/fn/acme/hello/`);
    expect(gone.status).toBe(404);
    expect(JSON.parse(gone.text).error.code).toBe("FUNCTION_NOT_FOUND");
  });

  it("says which route change it applied: its snapshot's when ready, then each one as it comes", async () => {
    const { plane, sent } = await startPlane([deploy("hello", hello("first"))]);
    await eventually(() => (sent.some((message) => message.ready) ? true : undefined));
    plane.message({
      type: "route",
      seq: 8,
      tenant: "acme",
      functionName: "hello",
      version: null,
      quotas: DEFAULT_QUOTAS,
    } satisfies MainMessage);
    const routed = await eventually(() => {
      const all = sent.filter((message) => message.routed !== undefined);
      return all.length === 2 ? all : undefined;
    });
    expect(routed.map(({ ready, routed }) => ({ ready, routed }))).toEqual([
      { ready: true, routed: 7 },
      { ready: undefined, routed: 8 },
    ]);
  });

  it("answers a malformed request and a too slow one with the main port's JSON errors", async () => {
    const { port } = await startPlane([], [], {
      headersTimeoutMs: 200,
      requestTimeoutMs: 400,
      connectionsCheckingIntervalMs: 50,
    });
    const malformed = await rawExchange(port, "NOT HTTP AT ALL\r\n\r\n");
    expect(malformed).toMatch(/^HTTP\/1\.1 400 /);
    expect(malformed).toContain('"code":"INVALID_REQUEST"');
    // Headers never finished: Node's header timeout holds on handed connections too.
    const slow = await rawExchange(port, "GET /fn/acme/hello/ HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    expect(slow).toMatch(/^HTTP\/1\.1 408 /);
    expect(slow).toContain('"code":"REQUEST_TIMEOUT"');
  });

  it("on close, lets a response in flight finish, cuts the connection, refuses new ones and sends the last records", async () => {
    const slow = deploy(
      "slow",
      `export default { fetch() {
        const stream = new ReadableStream({
          async start(controller) {
            controller.enqueue(new TextEncoder().encode("first,"));
            await new Promise((resolve) => setTimeout(resolve, 300));
            controller.enqueue(new TextEncoder().encode("last"));
            controller.close();
          },
        });
        return new Response(stream);
      } };`,
    );
    const { plane, port, sent } = await startPlane([slow]);
    const socket = connect(port, "127.0.0.1");
    let received = "";
    const firstChunk = new Promise<void>((resolve) =>
      socket.setEncoding("utf8").on("data", (chunk: string) => {
        received += chunk;
        if (received.includes("first,")) resolve();
      }),
    );
    const closed = once(socket, "close");
    socket.write("GET /fn/acme/slow/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    await firstChunk;

    await plane.close(10_000);
    await closed;
    // Chunked: the whole body arrived, with its end, before the connection was closed.
    expect(received).toContain("last");
    expect(received).toMatch(/\r\n0\r\n\r\n$/);
    expect(sent.flatMap((message) => message.records ?? []).map((record) => record.functionName)).toEqual([
      "slow",
    ]);

    const late = await rawExchange(port, "GET /fn/acme/slow/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    expect(late).toBe("");
  });
});
