// The async invoke answered before Hono must answer byte for byte as the Hono chain does: each request goes to
// two gateways over real sockets, one through `app.fetch` only and one with the Node handlers first, and the raw
// answers (date and ids aside), the events handed to the scheduler and the HTTP metrics are compared.
import { createServer, type Server } from "node:http";
import { getRequestListener } from "@hono/node-server";
import type { EnqueueInput } from "@skiff/storage";
import { afterEach, describe, expect, it } from "vitest";
import type { SchedulerPort } from "../deps.js";
import { type Harness, OPERATOR_KEY, startHarness } from "../testing/harness.js";
import { rawExchange as exchange } from "../testing/raw-exchange.js";

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A scheduler that keeps what it is asked to enqueue; an idempotency key seen before is a duplicate. */
function recordingScheduler(): SchedulerPort & { enqueued: EnqueueInput[] } {
  const enqueued: EnqueueInput[] = [];
  const keys = new Map<string, string>();
  return {
    enqueued,
    enqueue: async (input) => {
      const seen = input.idempotencyKey === undefined ? undefined : keys.get(input.idempotencyKey);
      if (seen !== undefined) return { id: seen, duplicate: true };
      enqueued.push(input);
      const id = `event-${enqueued.length}`;
      if (input.idempotencyKey !== undefined) keys.set(input.idempotencyKey, id);
      return { id, duplicate: false };
    },
    runTrigger: async () => [],
    triggers: () => [],
    wake: () => {},
  };
}

interface Side {
  h: Harness;
  port: number;
  scheduler: ReturnType<typeof recordingScheduler>;
  /** Requests the Node handlers took. */
  taken: () => number;
}

async function side(direct: boolean, setup: (h: Harness) => void | Promise<void>): Promise<Side> {
  const scheduler = recordingScheduler();
  const h = await startHarness({ scheduler });
  await h.deploy("hello");
  await setup(h);
  const viaFetch = getRequestListener(h.gateway.app.fetch);
  let taken = 0;
  const server = createServer((incoming, outgoing) => {
    if (direct && h.gateway.nodeDataPlane(incoming, outgoing)) taken++;
    else void viaFetch(incoming, outgoing);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return { h, port, scheduler, taken: () => taken };
}

/** Two gateways set up alike: one answered by the Hono chain only, one by the Node handlers first. */
async function twoGateways(setup: (h: Harness) => void | Promise<void> = () => {}) {
  return { hono: await side(false, setup), direct: await side(true, setup) };
}

const PATH = "/api/v1/tenants/default/functions/hello/invoke?async=1";

function post(
  path: string,
  body: string,
  headers: Record<string, string> = { Authorization: `Bearer ${OPERATOR_KEY}` },
  host = "127.0.0.1",
): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `POST ${path} HTTP/1.1\r\nHost: ${host}\r\n${lines.join("")}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/** Sends each request to both gateways; expects the same bytes back and the same events enqueued. */
async function sameAnswers(
  requests: Array<string | ((h: Harness) => string)>,
  setup?: (h: Harness) => void | Promise<void>,
) {
  const { hono, direct } = await twoGateways(setup);
  const answers: string[] = [];
  for (const request of requests) {
    const expected = await exchange(hono.port, typeof request === "string" ? request : request(hono.h));
    const actual = await exchange(direct.port, typeof request === "string" ? request : request(direct.h));
    expect(actual).toBe(expected);
    answers.push(actual);
  }
  expect(direct.scheduler.enqueued).toEqual(hono.scheduler.enqueued);
  return { answers, hono, direct };
}

describe("POST …/invoke?async=1 before Hono", () => {
  it("queues the event and answers 202 as the Hono route does, request id and idempotency key kept", async () => {
    const { answers, direct } = await sameAnswers([
      (h) => post(PATH, '{"n":1}', { Authorization: `Bearer ${h.key}` }),
      post(PATH, '{"n":2}', { Authorization: `Bearer ${OPERATOR_KEY}`, "X-Request-Id": "mine-1" }),
      post(PATH, '{"n":3}', { Authorization: `Bearer ${OPERATOR_KEY}`, "Idempotency-Key": "k-1" }),
      post(PATH, '{"n":3}', { Authorization: `Bearer ${OPERATOR_KEY}`, "Idempotency-Key": "k-1" }),
    ]);
    expect(direct.taken()).toBe(4);
    expect(answers[0]).toMatch(/^HTTP\/1\.1 202 Accepted\r\n/);
    expect(answers[0]).toContain('{"eventId":"event-1","duplicate":false}');
    expect(answers[1]).toContain("x-request-id: mine-1");
    expect(answers[3]).toContain('{"eventId":"event-3","duplicate":true}');
    expect(direct.scheduler.enqueued).toEqual([
      {
        tenant: "default",
        functionName: "hello",
        kind: "invoke",
        payload: { kind: "invoke", payload: { n: 1 } },
      },
      {
        tenant: "default",
        functionName: "hello",
        kind: "invoke",
        payload: { kind: "invoke", payload: { n: 2 } },
      },
      {
        tenant: "default",
        functionName: "hello",
        kind: "invoke",
        payload: { kind: "invoke", payload: { n: 3 } },
        idempotencyKey: "k-1",
      },
    ]);
  });

  it("refuses as the Hono chain does: no key, a read key, another tenant, unknown tenant or function", async () => {
    const readKeys = new Map<Harness, string>();
    const { answers, direct } = await sameAnswers(
      [
        post(PATH, "{}", {}),
        post(PATH, "{}", { Authorization: "Bearer nope" }),
        post(PATH, "{}", {
          Authorization: `Bearer ${OPERATOR_KEY}`,
          authorization: `Bearer ${OPERATOR_KEY}`,
        }),
        (h) => post(PATH, "{}", { Authorization: `Bearer ${readKeys.get(h)}` }),
        (h) =>
          post(PATH.replace("/default/", "/other/"), "{}", { Authorization: `Bearer ${readKeys.get(h)}` }),
        post(PATH.replace("/default/", "/nobody/"), "{}"),
        post(PATH.replace("/hello/", "/nope/"), "{}"),
        post(PATH.replace("/hello/", "/-bad/"), "{}"),
      ],
      async (h) => {
        readKeys.set(h, (await h.storage.apiKeys.create("default", "read")).key);
      },
    );
    expect(direct.taken()).toBe(8);
    expect(answers[0]).toContain('"code":"UNAUTHORIZED"');
    expect(answers[0]).toContain('www-authenticate: Bearer realm="skiff"');
    expect(answers[2]).toContain('"code":"UNAUTHORIZED"');
    expect(answers[3]).toContain('"code":"FORBIDDEN"');
    expect(answers[4]).toContain('"code":"FORBIDDEN"');
    expect(answers[5]).toContain('"code":"TENANT_NOT_FOUND"');
    expect(answers[6]).toContain('"code":"FUNCTION_NOT_FOUND"');
    expect(answers[7]).toContain('"code":"INVALID_NAME"');
    expect(direct.scheduler.enqueued).toEqual([]);
  });

  it("refuses bad payloads and keys, and an event past the tenant's asyncEventsPerMinute, before storing", async () => {
    const { answers, direct } = await sameAnswers(
      [
        post(PATH, ""),
        post(PATH, "{nope"),
        post(PATH, `"${"a".repeat(256 * 1024)}"`),
        post(PATH, "{}", { Authorization: `Bearer ${OPERATOR_KEY}`, "Idempotency-Key": "a b" }),
        post(PATH, "{}"),
        post(PATH, "{}"),
      ],
      (h) =>
        void h.gateway.limiter.setQuotas("default", {
          ...h.gateway.limiter.quotas("default"),
          asyncEventsPerMinute: 1,
        }),
    );
    expect(direct.taken()).toBe(6);
    expect(answers[0]).toContain('"code":"INVALID_JSON"');
    expect(answers[1]).toContain('"code":"INVALID_JSON"');
    expect(answers[2]).toContain('"code":"PAYLOAD_TOO_LARGE"');
    expect(answers[3]).toContain('"code":"INVALID_REQUEST"');
    expect(answers[4]).toMatch(/^HTTP\/1\.1 202 /);
    expect(answers[5]).toContain('"code":"RATE_LIMITED"');
    expect(answers[5]).toMatch(/retry-after: \d+/);
    expect(direct.scheduler.enqueued).toHaveLength(1);
  });

  it("leaves to Hono and the data plane what differs from the plain form", async () => {
    const { answers, direct } = await sameAnswers([
      post(`${PATH}&x=1`, "{}"),
      post(PATH.replace("async=1", "async=0"), "{}"),
      post(PATH.replace("/invoke?", "/invoke/?"), "{}"),
      post(PATH.replace("/hello/", "/h%65llo/"), "{}"),
      post(PATH, "{}", { Authorization: `Bearer ${OPERATOR_KEY}` }, "EXAMPLE.com"),
      `PUT ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${OPERATOR_KEY}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
    ]);
    expect(direct.taken()).toBe(0);
    expect(answers[0]).toContain('"code":"INVALID_REQUEST"');
    expect(answers[3]).toMatch(/^HTTP\/1\.1 202 /);
    // A function's host owns every path on it: the data plane answers, as the Hono chain would.
    const onFunctionHost = post(PATH, "{}", undefined, "hello.default.localhost");
    const { hono: hono2, direct: direct2 } = await twoGateways();
    expect(await exchange(direct2.port, onFunctionHost)).toBe(await exchange(hono2.port, onFunctionHost));
    expect(direct2.h.runtime.invocations).toHaveLength(1);
    expect(direct2.scheduler.enqueued).toEqual([]);
  });

  it("counts requests in the HTTP metrics as the Hono chain does", async () => {
    const { hono, direct } = await sameAnswers([post(PATH, "{}"), post(PATH, "{}", {})]);
    const requests = async (h: Harness) =>
      (await h.gateway.metrics.render())
        .split("\n")
        .filter((line) => /^skiff_(http_requests_total|http_request_duration_seconds_count)/.test(line));
    const counted = await requests(direct.h);
    expect(counted).toEqual(await requests(hono.h));
    expect(counted).toContain('skiff_http_requests_total{route="admin",method="POST",status_class="2xx"} 1');
    expect(counted).toContain('skiff_http_requests_total{route="admin",method="POST",status_class="4xx"} 1');
  });
});
