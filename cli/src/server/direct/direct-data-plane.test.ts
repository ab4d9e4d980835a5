// The direct data plane of a real server (startServer with dataPlanePort 0): runtime workers answer function
// requests on the second port exactly as the main port does, and the main process still gets their records and
// metrics, routes and quotas.
import { Client, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../start-server.js";
import { type PlaneServer, startPlaneServer } from "./plane-fixtures.js";

const ADMIN = "sk_admin_direct_plane_test_0123456789";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers field by field and assert each
  json: any;
}

async function call(
  url: string,
  init: { method?: string; body?: string; fresh?: boolean } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${ADMIN}` };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const options = { method: (init.method ?? "GET") as "GET", headers, body: init.body ?? null };
  // A fresh connection: the main process accepts it after everything it broadcast before.
  const client = init.fresh ? new Client(new URL(url).origin) : undefined;
  try {
    const answer =
      client === undefined
        ? await request(url, options)
        : await client.request({ ...options, path: new URL(url).pathname + new URL(url).search });
    const text = await answer.body.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: answer.statusCode, headers: answer.headers, text, json };
  } finally {
    await client?.close();
  }
}

const fn = (label: string) => `export default {
  async fetch(request) {
    const path = new URL(request.url).pathname;
    console.log("${label} saw " + path);
    return new Response("${label}:" + path, { status: 201, headers: { "x-fn": "${label}" } });
  },
};`;

let server: RunningServer;
let plane: PlaneServer;
let main: string;
let direct: string;

const api = (method: string, path: string, body?: unknown) =>
  call(`${main}/api/v1${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

async function deploy(name: string, code: string): Promise<number> {
  const answer = await api("PUT", `/tenants/default/functions/${name}`, { code });
  expect(answer.status, answer.text).toBeLessThan(300);
  return answer.json.version.number;
}

/** Polls `read` until it returns a value, for up to 10 s. */
async function eventually<T>(read: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met within 10 s");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `skiff_http_requests_total{route="function",method="GET",status_class}` from the main port's /metrics. */
async function functionRequests(statusClass: string): Promise<number> {
  const metrics = await call(`${main}/metrics`);
  const line = metrics.text
    .split("\n")
    .find((l) =>
      l.startsWith(`skiff_http_requests_total{route="function",method="GET",status_class="${statusClass}"}`),
    );
  return line === undefined ? 0 : Number(line.split(" ").at(-1));
}

beforeAll(async () => {
  plane = await startPlaneServer(ADMIN, 2_000);
  server = plane.server;
  main = server.url;
  direct = server.dataPlaneUrl as string;
});

afterAll(async () => {
  await plane?.stop();
});

describe("the direct data plane", () => {
  it("listens on its own port", () => {
    expect(direct).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(direct).not.toBe(main);
  });

  it("answers a function request as the main port does, and the main process records it with its logs", async () => {
    await deploy("hello", fn("one"));
    const before = await functionRequests("2xx");
    const viaMain = await call(`${main}/fn/default/hello/x?y=1`);
    const viaDirect = await call(`${direct}/fn/default/hello/x?y=1`);
    expect(viaDirect.status).toBe(201);
    expect(viaDirect.text).toBe("one:/x");
    expect(viaDirect.status).toBe(viaMain.status);
    expect(viaDirect.text).toBe(viaMain.text);
    // The same headers, with their own ids and date.
    const varying = new Set(["x-request-id", "x-skiff-invocation-id", "date"]);
    const stable = (headers: Answer["headers"]) =>
      Object.fromEntries(Object.entries(headers).filter(([name]) => !varying.has(name)));
    expect(stable(viaDirect.headers)).toEqual(stable(viaMain.headers));
    const invocationId = viaDirect.headers["x-skiff-invocation-id"] as string;
    expect(invocationId).toMatch(/\S/);
    expect(viaDirect.headers["x-request-id"]).toMatch(/\S/);

    const record = await eventually(async () => {
      const list = await api("GET", "/tenants/default/functions/hello/invocations");
      return (list.json.invocations as Array<{ id: string }>).find((r) => r.id === invocationId);
    });
    expect(record).toMatchObject({ outcome: "ok", status: 201, trigger: "http", version: 1 });
    expect(JSON.stringify(record)).toContain("one saw /x");
    // Both requests counted, the worker's batched to the main process after its answer.
    await eventually(async () => ((await functionRequests("2xx")) >= before + 2 ? true : undefined));
  });

  it("keeps a client's request id", async () => {
    await deploy("hello", fn("one"));
    const answer = await request(`${direct}/fn/default/hello/`, { headers: { "x-request-id": "req-42" } });
    await answer.body.text();
    expect(answer.headers["x-request-id"]).toBe("req-42");
  });

  it("answers an unknown function with FUNCTION_NOT_FOUND, as the main port does", async () => {
    const viaDirect = await call(`${direct}/fn/default/nope/`);
    const viaMain = await call(`${main}/fn/default/nope/`);
    expect(viaDirect.status).toBe(404);
    expect(viaDirect.json).toEqual(viaMain.json);
    expect(viaDirect.json.error.code).toBe("FUNCTION_NOT_FOUND");
  });

  it("serves functions only: the admin API and the rest answer 404 NOT_FOUND naming the main port", async () => {
    for (const path of ["/api/v1/tenants/default/functions", "/healthz", "/metrics", "/"]) {
      const answer = await call(`${direct}${path}`);
      expect(answer.status, path).toBe(404);
      expect(answer.headers["content-type"]).toMatch(/^application\/json/);
      expect(answer.json.error.code).toBe("NOT_FOUND");
      expect(answer.json.error.message).toContain(main);
      expect(answer.headers["x-request-id"]).toMatch(/\S/);
    }
  });

  it("refuses an over-long URL with 414, as the main port does", async () => {
    const path = `/fn/default/hello/${"a".repeat(9_000)}`;
    const viaDirect = await call(`${direct}${path}`);
    const viaMain = await call(`${main}${path}`);
    expect(viaDirect.status).toBe(414);
    expect(viaDirect.json.error.code).toBe("URI_TOO_LONG");
    expect(viaDirect.json).toEqual(viaMain.json);
  });

  it("serves a new version as soon as its deploy has answered", async () => {
    await deploy("flip", fn("before"));
    expect((await call(`${direct}/fn/default/flip/`, { fresh: true })).text).toBe("before:/");
    await deploy("flip", fn("after"));
    expect((await call(`${direct}/fn/default/flip/`, { fresh: true })).text).toBe("after:/");
    await api("DELETE", "/tenants/default/functions/flip");
    const gone = await call(`${direct}/fn/default/flip/`, { fresh: true });
    expect(gone.json.error.code).toBe("FUNCTION_NOT_FOUND");
  });

  it("is on the platform's egress refusal list, as the main port is", async () => {
    await deploy(
      "fetcher",
      `export default { async fetch(request) {
        try {
          await fetch(new URL(request.url).searchParams.get("url"));
          return new Response("reached");
        } catch (error) {
          return new Response(error.message);
        }
      } };`,
    );
    for (const target of [`${direct}/fn/default/hello/`, `${main}/healthz`]) {
      const answer = await call(`${direct}/fn/default/fetcher/?url=${encodeURIComponent(target)}`);
      expect(answer.status).toBe(200);
      expect(answer.text, target).toMatch(/refused by the egress policy.*platform's own address/);
    }
  });

  it("runs what the tenant's memory quota allows on the main port, whatever each worker's share", async () => {
    await deploy("hello", fn("one"));
    // One invocation of 128 MB (the default) fits; each worker's share (÷ workers) is smaller than that.
    const set = await api("PUT", "/tenants/default/quotas", { maxIsolateMemoryMb: 128 });
    expect(set.status, set.text).toBe(200);
    try {
      expect((await call(`${main}/fn/default/hello/`)).status).toBe(201);
      // One after the other, on fresh connections: each worker in turn.
      for (let i = 0; i < 4; i++) {
        const answer = await call(`${direct}/fn/default/hello/`, { fresh: true });
        expect(answer.status, answer.text).toBe(201);
      }
    } finally {
      await api("PUT", "/tenants/default/quotas", { maxIsolateMemoryMb: null });
    }
  });

  it("holds a tenant to its requestsPerSecond quota", async () => {
    await deploy("hello", fn("one"));
    const set = await api("PUT", "/tenants/default/quotas", { requestsPerSecond: 1, burst: 1 });
    expect(set.status, set.text).toBe(200);
    try {
      // Each worker admits its share (1 per second): 20 at once, on their own connections, cannot all pass.
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => call(`${direct}/fn/default/hello/`, { fresh: true })),
      );
      const refused = answers.filter((answer) => answer.status === 429);
      expect(refused.length).toBeGreaterThan(0);
      expect(refused[0]?.json.error.code).toBe("RATE_LIMITED");
      expect(refused[0]?.headers["retry-after"]).toMatch(/^\d+$/);
      expect(answers.every((answer) => answer.status === 201 || answer.status === 429)).toBe(true);
    } finally {
      await api("PUT", "/tenants/default/quotas", { requestsPerSecond: null, burst: null });
    }
    // Lifted at once: the workers were told.
    expect((await call(`${direct}/fn/default/hello/`, { fresh: true })).status).toBe(201);
  });
});
