// The direct data plane (SKIFF_DATA_PLANE_PORT) on a real `skiff serve`: the runtime workers answer function
// requests on that port themselves. It must answer as the main port does, record every invocation there (records,
// logs, metrics), follow deploys, keep tenants' quotas and the runtime's limits, and survive a worker's crash.
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Client } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRawResponse, type RawResponse, rawExchange } from "./raw-http.js";
import { AdminClient, type Answer, call, invoke, waitFor } from "./skiff-api.js";
import { REPO_ROOT, type SkiffServer, startSkiff } from "./skiff-server.js";
import { createNamespace, mustDeploy as deployWith } from "./storage-helpers.js";

const HELLO = `export default { fetch(request) {
  console.log("hello from", new URL(request.url).pathname);
  return new Response("hello " + new URL(request.url).pathname, { headers: { "x-from": "hello" } });
} }`;
const THROWS = `export default { fetch() { throw new Error("boom") } }`;
const STREAMS = `export default { fetch() {
  let i = 0;
  const body = new ReadableStream({ pull(controller) {
    if (i === 5) return controller.close();
    controller.enqueue(new TextEncoder().encode("part " + i++ + "\\n"));
  } });
  return new Response(body, { headers: { "content-type": "text/plain" } });
} }`;
const KV_COUNTER = `export default { async fetch(request, env) {
  const n = Number((await env.COUNTS.get("n")) ?? "0") + 1;
  await env.COUNTS.put("n", String(n));
  return new Response(String(n));
} }`;

const adminToken = `sk_admin_${randomBytes(16).toString("hex")}`;
let server: SkiffServer;
let direct: string;
let operator: AdminClient;

/** The data plane's URL, from the line `skiff serve` prints when SKIFF_DATA_PLANE_PORT is set. */
function dataPlaneUrl(stdout: string): string {
  const match = /data plane[^\n]*?(http:\/\/\S+)/i.exec(stdout);
  if (match?.[1] === undefined) throw new Error(`no data plane URL in the server's output:\n${stdout}`);
  return match[1].replace(/\/$/, "");
}

const viaDirect = (name: string, path = "/", init: Parameters<typeof call>[1] = {}, tenant = "default") =>
  call(`${direct}/fn/${tenant}/${name}${path}`, init);

/** The fields of an answer that the two ports must agree on (ids and dates differ per request). */
function comparable(answer: Answer) {
  const { date, "x-skiff-invocation-id": invocation, "x-request-id": request, ...headers } = answer.headers;
  const text =
    typeof invocation === "string" ? answer.text.replaceAll(invocation, "<invocation>") : answer.text;
  return { status: answer.status, text, headers, ids: [typeof invocation, typeof request] };
}

/** `comparable` for a raw answer: a request no HTTP client sends (absolute-form, `*`, a backslash…). */
function comparableRaw(answer: RawResponse) {
  const { date, "x-skiff-invocation-id": invocation, "x-request-id": request, ...headers } = answer.headers;
  const text = invocation === undefined ? answer.body : answer.body.replaceAll(invocation, "<invocation>");
  return { status: answer.status, text, headers, ids: [typeof invocation, typeof request] };
}

/** Sends `head` (a request line and its headers, no blank line) alone on a connection to `url`. */
async function rawAnswer(url: string, head: string): Promise<RawResponse> {
  return parseRawResponse(await rawExchange(url, `${head}\r\nConnection: close\r\n\r\n`));
}

beforeAll(async () => {
  server = await startSkiff({ adminToken, env: { SKIFF_DATA_PLANE_PORT: "0" } });
  direct = dataPlaneUrl(server.stdout());
  operator = new AdminClient(server, adminToken);
  await operator.mustDeploy("hello", HELLO);
  await operator.mustDeploy("throws", THROWS);
  await operator.mustDeploy("streams", STREAMS);
}, 60_000);

afterAll(async () => {
  expect(await server?.stop()).toBe(0);
});

describe("the direct data plane", () => {
  it("answers a function request exactly as the main port does", async () => {
    for (const name of ["hello", "throws", "streams", "missing"]) {
      const viaMain = await invoke(server, name, "/a/b?c=d");
      const viaPlane = await viaDirect(name, "/a/b?c=d");
      expect(comparable(viaPlane), name).toEqual(comparable(viaMain));
    }
    const missing = await viaDirect("missing");
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe("FUNCTION_NOT_FOUND");
    expect((await viaDirect("hello", "/x")).text).toBe("hello /x");
    // By host, as on the main port.
    const byHost = await call(`${direct}/y`, { headers: { host: "hello.default.localhost" } });
    expect(byHost.text).toBe("hello /y");
  });

  it("answers the request targets its fast path leaves to Hono exactly as the main port does", async () => {
    const heads = {
      "absolute-form": "GET http://127.0.0.1/fn/default/hello/abs?q=1 HTTP/1.1\r\nHost: 127.0.0.1",
      "absolute-form, function host":
        "GET http://hello.default.localhost/abs HTTP/1.1\r\nHost: hello.default.localhost",
      "absolute-form, a throwing function":
        "GET http://127.0.0.1/fn/default/throws/ HTTP/1.1\r\nHost: 127.0.0.1",
      "absolute-form, no such function":
        "GET http://127.0.0.1/fn/default/missing/ HTTP/1.1\r\nHost: 127.0.0.1",
      "absolute-form, HEAD": "HEAD http://127.0.0.1/fn/default/hello/abs HTTP/1.1\r\nHost: 127.0.0.1",
      "absolute-form, over-long": `GET http://127.0.0.1/fn/default/hello/${"x".repeat(9000)} HTTP/1.1\r\nHost: 127.0.0.1`,
      "backslash in the query": "GET /fn/default/hello/q?a=\\b HTTP/1.1\r\nHost: 127.0.0.1",
      "backslash in the path": "GET /fn/default/hello/a\\b HTTP/1.1\r\nHost: 127.0.0.1",
      "OPTIONS *": "OPTIONS * HTTP/1.1\r\nHost: hello.default.localhost",
    };
    const answers: Record<string, RawResponse> = {};
    for (const [name, head] of Object.entries(heads)) {
      const viaMain = await rawAnswer(server.url, head);
      const viaPlane = await rawAnswer(direct, head);
      expect(comparableRaw(viaPlane), name).toEqual(comparableRaw(viaMain));
      answers[name] = viaPlane;
    }
    expect(answers["absolute-form"]?.body).toBe("hello /abs");
    expect(answers["absolute-form, function host"]?.body).toBe("hello /abs");
    expect(answers["absolute-form, a throwing function"]?.status).toBe(500);
    expect(JSON.parse(answers["absolute-form, no such function"]?.body ?? "").error.code).toBe(
      "FUNCTION_NOT_FOUND",
    );
    expect(answers["absolute-form, HEAD"]).toMatchObject({ status: 200, body: "" });
    expect(answers["absolute-form, over-long"]?.status).toBe(414);
    expect(answers["backslash in the query"]?.body).toBe("hello /q");
    expect(answers["backslash in the path"]?.status).toBe(400);
    expect(answers["OPTIONS *"]?.status).toBe(400);

    // The absolute-form invocation is recorded as any other on this port.
    const invocationId = answers["absolute-form"]?.headers["x-skiff-invocation-id"];
    expect(typeof invocationId).toBe("string");
    const record = await waitFor("the absolute-form invocation's record", async () => {
      const list = await operator.invocations("hello");
      return (list.json.invocations as Array<{ id: string }>).find((r) => r.id === invocationId);
    });
    expect(record).toMatchObject({ trigger: "http", outcome: "ok", status: 200 });

    // Still no admin API or health here, whatever form the target takes.
    const health = await rawAnswer(direct, "GET http://127.0.0.1/healthz HTTP/1.1\r\nHost: 127.0.0.1");
    expect(health.status).toBe(404);
    expect(JSON.parse(health.body).error.message).toContain(server.url);
  });

  it("serves only functions: the admin API, S3 and health stay on the main port", async () => {
    for (const path of ["/api/v1/tenants", "/healthz", "/s3/bucket/key", "/"]) {
      const answer = await call(`${direct}${path}`, { headers: { authorization: `Bearer ${adminToken}` } });
      expect(answer.status, path).toBe(404);
      expect(answer.json.error.code, path).toBe("NOT_FOUND");
    }
  });

  it("records each invocation with its logs, and counts it in the metrics", async () => {
    const marker = `/marker-${randomBytes(4).toString("hex")}`;
    const answer = await viaDirect("hello", marker);
    const invocationId = answer.headers["x-skiff-invocation-id"];
    expect(typeof invocationId).toBe("string");
    const record = await waitFor("the direct invocation's record", async () => {
      const list = await operator.invocations("hello");
      return (list.json.invocations as Array<{ id: string }>).find((r) => r.id === invocationId);
    });
    expect(record).toMatchObject({ trigger: "http", outcome: "ok", status: 200 });
    const logs = await operator.call("GET", `/tenants/default/functions/hello/invocations/${invocationId}`);
    expect(JSON.stringify(logs.json)).toContain(`hello from ${marker}`);
    const metrics = await call(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(metrics.text).toMatch(/skiff_http_requests_total\{[^}]*route="function"[^}]*\} [1-9]/);
  });

  it("follows a deploy, a new version and a delete on open connections as soon as the admin call returns", async () => {
    // Two keep-alive connections, handed to the two workers in turn, kept across the changes: a worker that had
    // not applied a change yet would answer on its connection with what it held before.
    const clients = [new Client(direct), new Client(direct)];
    const answers = () =>
      Promise.all(
        clients.map(async (client) => {
          const answer = await client.request({ method: "GET", path: "/fn/default/swap" });
          const text = await answer.body.text();
          return answer.statusCode === 200 ? text : answer.statusCode;
        }),
      );
    try {
      expect(await answers()).toEqual([404, 404]);
      await operator.mustDeploy("swap", `export default { fetch() { return new Response("one") } }`);
      expect(await answers()).toEqual(["one", "one"]);
      await operator.mustDeploy("swap", `export default { fetch() { return new Response("two") } }`);
      expect(await answers()).toEqual(["two", "two"]);
      expect(await operator.call("DELETE", "/tenants/default/functions/swap")).toMatchObject({ status: 200 });
      expect(await answers()).toEqual([404, 404]);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
  });

  it("streams a body and serves binding calls from the worker", async () => {
    expect((await viaDirect("streams")).text).toBe("part 0\npart 1\npart 2\npart 3\npart 4\n");
    await createNamespace(operator, "direct-counts");
    await deployWith(operator, "counter", KV_COUNTER, {
      bindings: [{ type: "kv", name: "COUNTS", namespace: "direct-counts" }],
    });
    const seen = [];
    for (let i = 0; i < 3; i++) seen.push((await viaDirect("counter")).text);
    expect(seen).toEqual(["1", "2", "3"]);
  });

  it("keeps a tenant's request rate across the data plane", async () => {
    await operator.call("POST", "/tenants", { name: "direct-rate" });
    const quota = await operator.call("PUT", "/tenants/direct-rate/quotas", {
      requestsPerSecond: 1,
      burst: 1,
    });
    expect(quota.status, quota.text).toBe(200);
    await operator.mustDeploy("hello", HELLO, {}, "direct-rate");
    const statuses: number[] = [];
    let limited: Answer | undefined;
    for (let i = 0; i < 12 && limited === undefined; i++) {
      const answer = await viaDirect("hello", "/", {}, "direct-rate");
      statuses.push(answer.status);
      if (answer.status === 429) limited = answer;
    }
    expect(limited?.json.error.code, statuses.join(",")).toBe("RATE_LIMITED");
    expect(Number(limited?.headers["retry-after"])).toBeGreaterThan(0);
  });

  it("stops a runaway handler, and a crashed worker loses only its own connections", {
    timeout: 60_000,
  }, async () => {
    const loop = await readFile(
      join(REPO_ROOT, "test", "adversarial", "fixtures", "cpu-while-true.js"),
      "utf8",
    );
    await operator.mustDeploy("loop", loop, { cpuMs: 50, timeoutMs: 1000 });
    const stopped = await viaDirect("loop");
    expect(stopped.status).toBe(503);
    expect(stopped.json.error.code).toBe("CPU_LIMIT_EXCEEDED");

    const crasher = await readFile(
      join(REPO_ROOT, "test", "adversarial", "fixtures", "memory-array-fill.js"),
      "utf8",
    );
    await operator.mustDeploy("crasher", crasher, { memoryMb: 32, cpuMs: 5000, timeoutMs: 10_000 });
    // The worker that took the connection dies under it: the client sees the connection cut (or a 503 if the
    // isolate's own limit caught it first), never another tenant's answer.
    const crashed = await viaDirect("crasher").catch((error: Error) => error);
    if (!(crashed instanceof Error)) expect(crashed.status).toBeGreaterThanOrEqual(500);
    // The others keep being served, on new connections, while and after the worker restarts.
    await waitFor(
      "hello served after the crash",
      async () => {
        const answer = await viaDirect("hello", "/after").catch(() => undefined);
        return answer?.status === 200 ? answer : undefined;
      },
      20_000,
    );
    // It was a crash of a runtime worker, replaced by the supervisor.
    const runtime = await operator.call("GET", "/runtime");
    const workers = runtime.json.workers as Array<{ role: string; restarts: number }>;
    expect(workers.filter((w) => w.role === "invocations").some((w) => w.restarts >= 1)).toBe(true);
  });
});
