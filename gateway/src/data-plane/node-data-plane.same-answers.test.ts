// The direct data plane (Node's request listener, before Hono) must answer byte for byte as the Hono chain does:
// each request goes to two gateways over real sockets, one through `app.fetch` only and one with the direct
// handler first, and the raw answers (date and ids aside), invocation records and HTTP metrics are compared.
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { getRequestListener } from "@hono/node-server";
import type { InvocationResult } from "@skiff/core";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, OPERATOR_KEY, startHarness } from "../testing/harness.js";
import { rawExchange as exchange } from "../testing/raw-exchange.js";

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** Requests the direct handler took, by port, so each test can tell which path answered. */
const taken = new Map<number, number>();

async function listen(h: Harness, direct: boolean): Promise<number> {
  const viaFetch = getRequestListener(h.gateway.app.fetch);
  let port = 0;
  const server = createServer((incoming, outgoing) => {
    if (direct && h.gateway.nodeDataPlane(incoming, outgoing)) taken.set(port, (taken.get(port) ?? 0) + 1);
    else void viaFetch(incoming, outgoing);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  port = typeof address === "object" && address !== null ? address.port : 0;
  return port;
}

type Setup = (h: Harness) => void | Promise<void>;

/** Two gateways set up alike: one answered by the Hono chain only, one by the direct handler first. */
async function twoGateways(setup: Setup = () => {}) {
  const hono = await startHarness();
  const direct = await startHarness();
  for (const h of [hono, direct]) {
    await h.deploy("hello");
    await setup(h);
  }
  return {
    hono: { h: hono, port: await listen(hono, false) },
    direct: { h: direct, port: await listen(direct, true) },
  };
}

async function sameAnswer(request: string, setup?: Setup): Promise<string> {
  const { hono, direct } = await twoGateways(setup);
  const expected = await exchange(hono.port, request);
  const actual = await exchange(direct.port, request);
  expect(actual).toBe(expected);
  expect(taken.get(direct.port), "the direct handler answered").toBe(1);
  expect(direct.h.runtime.invocations.length).toBe(hono.h.runtime.invocations.length);
  return actual;
}

const get = (path: string, headers = "") =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Connection: close\r\n\r\n`;

const answerWith =
  (partial: Partial<InvocationResult>): Setup =>
  (h) => {
    h.runtime.handler = () => partial;
  };

describe("direct data plane", () => {
  it("answers a function's response as the Hono chain does, request id generated and echoed", async () => {
    const answer = await sameAnswer(get("/fn/default/hello/a?b=1"));
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answer).toContain("x-request-id: <request-id>");
    expect(answer).toContain("x-skiff-invocation-id: inv-1");
  });

  it("keeps a valid x-request-id, replaces an invalid one", async () => {
    expect(await sameAnswer(get("/fn/default/hello", "X-Request-Id: my.id-1\r\n"))).toContain(
      "x-request-id: my.id-1",
    );
    expect(await sameAnswer(get("/fn/default/hello", "X-Request-Id: not valid\r\n"))).toContain(
      "x-request-id: <request-id>",
    );
  });

  it("answers on a function's host name too", async () => {
    const request = "GET /x?y HTTP/1.1\r\nHost: hello.default.localhost:8080\r\nConnection: close\r\n\r\n";
    expect(await sameAnswer(request)).toContain("200 OK");
  });

  it("writes the function's headers as Fetch Headers would: sorted, joined, cookies apart, hop-by-hop dropped", async () => {
    const answer = await sameAnswer(
      get("/fn/default/hello"),
      answerWith({
        response: {
          status: 201,
          statusText: "Made",
          headers: [
            ["X-B", " 1 "],
            ["Set-Cookie", "a=1"],
            ["x-a", "2"],
            ["x-b", "3"],
            ["set-cookie", "b=2"],
            ["Connection", "x-gone"],
            ["x-gone", "1"],
            ["Content-Length", "99"],
            ["X-Skiff-Invocation-Id", "forged"],
          ],
          body: new TextEncoder().encode("made"),
        },
      }),
    );
    expect(answer).toContain("x-b: 1, 3");
    expect(answer).toContain("set-cookie: b=2");
    expect(answer).not.toContain("x-gone");
    expect(answer).not.toContain("forged");
  });

  it("answers a null-body status, an empty body and HEAD alike", async () => {
    const noContent = answerWith({
      response: { status: 204, statusText: "", headers: [], body: new Uint8Array(0) },
    });
    expect(await sameAnswer(get("/fn/default/hello"), noContent)).toMatch(/^HTTP\/1\.1 204/);
    const empty = answerWith({
      response: { status: 200, statusText: "", headers: [], body: new Uint8Array(0) },
    });
    expect(await sameAnswer(get("/fn/default/hello"), empty)).toContain("Content-Length: 0");
    const head = await sameAnswer(
      "HEAD /fn/default/hello HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    );
    expect(head).not.toContain("Content-Length");
  });

  it("answers a direct invoke's JSON value and a failed invocation's platform error alike", async () => {
    expect(await sameAnswer(get("/fn/default/hello"), answerWith({ value: { a: 1 } }))).toContain('{"a":1}');
    const failed = answerWith({ outcome: "exception", error: { name: "Error", message: "tenant secret" } });
    const answer = await sameAnswer(get("/fn/default/hello"), failed);
    expect(answer).toMatch(/^HTTP\/1\.1 500/);
    expect(answer).not.toContain("tenant secret");
  });

  it("streams a body chunk by chunk, and to an HTTP/1.0 client without chunked coding", async () => {
    const streamed: Setup = (h) => {
      h.runtime.handler = (_version, _event, options) => {
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode("ab"));
            controller.enqueue(new TextEncoder().encode("cd"));
            controller.close();
          },
        });
        options.onResponse?.({ status: 200, statusText: "OK", headers: [["content-type", "text/x"]], body });
        return {};
      };
    };
    const answer = await sameAnswer(get("/fn/default/hello"), streamed);
    expect(answer).toContain("transfer-encoding: chunked");
    expect(answer).toContain("2\r\nab\r\n");
    const old = await sameAnswer("GET /fn/default/hello HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n", streamed);
    expect(old).toMatch(/\r\n\r\nabcd$/);
  });

  it("answers platform errors as the error handler does: not found, rate limited, too large, runtime refusal", async () => {
    expect(await sameAnswer(get("/fn/default/nope"))).toContain('"code":"FUNCTION_NOT_FOUND"');
    expect(await sameAnswer(get("/fn/"))).toContain('"code":"FUNCTION_NOT_FOUND"');
    const limited = await sameAnswer(
      get("/fn/default/hello"),
      (h) =>
        void h.gateway.limiter.setQuotas("default", {
          ...h.gateway.limiter.quotas("default"),
          requestsPerSecond: 1,
          burst: 0,
        }),
    );
    expect(limited).toContain('"code":"RATE_LIMITED"');
    expect(limited).toMatch(/retry-after: \d+/);
    const tooLarge =
      "POST /fn/default/hello HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999\r\nConnection: close\r\n\r\nabc";
    expect(await sameAnswer(tooLarge)).toContain('"code":"PAYLOAD_TOO_LARGE"');
    const refused: Setup = (h) => {
      h.runtime.handler = () => {
        throw Object.assign(new Error("boom"), { code: "X" });
      };
    };
    expect(await sameAnswer(get("/fn/default/hello"), refused)).toContain('"code":"INTERNAL_ERROR"');
  });

  it("passes a chunked request body to the function", async () => {
    const request =
      "PUT /fn/default/hello HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
    const { hono, direct } = await twoGateways();
    expect(await exchange(direct.port, request)).toBe(await exchange(hono.port, request));
    expect(taken.get(direct.port)).toBe(1);
    const body = direct.h.runtime.invocations[0]?.event;
    expect(body?.kind === "http" && new TextDecoder().decode(body.body ?? undefined)).toBe("abcde");
  });

  it("leaves to Hono what it would refuse or route elsewhere: long URLs, odd hosts, other paths", async () => {
    const { hono, direct } = await twoGateways();
    for (const request of [
      get(`/fn/default/hello?${"a".repeat(9000)}`),
      "GET /fn/default/hello HTTP/1.1\r\nHost: X:80\r\nConnection: close\r\n\r\n",
      "GET /fn/default\\hello HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
      "GET http://127.0.0.1/fn/default/hello HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
      get("/healthz"),
    ]) {
      expect(await exchange(direct.port, request)).toBe(await exchange(hono.port, request));
    }
    expect(taken.get(direct.port), "the direct handler left them all to Hono").toBeUndefined();
    expect(await exchange(direct.port, get(`/fn/default/hello?${"a".repeat(9000)}`))).toContain(
      "URI_TOO_LONG",
    );
  });

  it("records invocations and counts requests in the HTTP metrics as the Hono chain does", async () => {
    const { hono, direct } = await twoGateways();
    for (const request of [get("/fn/default/hello"), get("/fn/default/nope"), get("/healthz")]) {
      await exchange(hono.port, request);
      await exchange(direct.port, request);
    }
    const requests = async (h: Harness) => {
      const text = await h.gateway.metrics.render();
      return text
        .split("\n")
        .filter((line) =>
          /^skiff_(http_requests_total|invocations_total|http_request_duration_seconds_count)/.test(line),
        );
    };
    expect(taken.get(direct.port)).toBe(2);
    const counted = await requests(direct.h);
    expect(counted).toEqual(await requests(hono.h));
    expect(counted).toContain(
      'skiff_http_requests_total{route="function",method="GET",status_class="4xx"} 1',
    );
    await direct.h.gateway.flush();
    const listed = await direct.h.api("GET", "/api/v1/tenants/default/functions/hello/invocations", {
      key: OPERATOR_KEY,
    });
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.json)).toContain("inv-1");
  });

  it("cancels the invocation when the client goes away, and keeps it when the client stays", async () => {
    const { direct } = await twoGateways((h) => {
      h.runtime.handler = (_version, _event, options) =>
        new Promise((resolve) => {
          const signal = options.signal;
          if (signal === undefined || signal.aborted) return resolve({ outcome: "canceled" });
          signal.addEventListener("abort", () => resolve({ outcome: "canceled" }));
          setTimeout(() => resolve({}), 2_000).unref();
        });
    });
    const socket = connect(direct.port, "127.0.0.1", () => socket.write(get("/fn/default/hello")));
    const deadline = Date.now() + 2_000;
    while (direct.h.runtime.invocations.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    socket.destroy();
    const signal = direct.h.runtime.invocations[0]?.options.signal;
    while (signal?.aborted !== true && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(signal?.aborted).toBe(true);
  });
});
