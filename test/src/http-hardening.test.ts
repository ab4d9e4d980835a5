// Issue 7, item 3 (HTTP hardening) against a real `skiff serve`: slow clients cannot pin the server, URL, header
// and body limits answer DESIGN §5 JSON before any function runs, request smuggling is refused, tenant responses
// are cleaned or refused (502 INVALID_RESPONSE), a client that leaves cancels its invocation, and SIGTERM drains.
import { once } from "node:events";
import { rm } from "node:fs/promises";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRaw, parseRawResponse, type RawConnection, rawExchange } from "./raw-http.js";
import { AdminClient, call, invoke, waitFor } from "./skiff-api.js";
import { type SkiffServer, startSkiff } from "./skiff-server.js";
import { createNamespace, mustDeploy } from "./storage-helpers.js";

/** Short enough that the slowloris test ends within seconds; the default is 10 s. */
const HEADERS_TIMEOUT_MS = 3_000;

let server: SkiffServer;
let admin: AdminClient;

const HELLO = `export default { fetch: () => new Response("hello") };`;

/** Counts its calls in KV before reading the body: a count that did not move proves it never ran. */
const COUNTER = `export default {
  async fetch(request, env) {
    const calls = Number((await env.STATE.get("calls")) ?? "0") + 1;
    await env.STATE.put("calls", String(calls));
    return new Response(String((await request.arrayBuffer()).byteLength));
  },
};`;

/** Marks that it started, waits, then marks that it finished: a canceled invocation never gets that far. */
const LINGERER = `export default {
  async fetch(request, env) {
    await env.STATE.put("lingerer-started", String(Date.now()));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await env.STATE.put("lingerer-finished", "yes");
    return new Response("too late");
  },
};`;

const STATE_BINDING = [{ type: "kv" as const, name: "STATE", namespace: "state" }];

beforeAll(async () => {
  server = await startSkiff({ env: { SKIFF_HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS) } });
  admin = new AdminClient(server, server.defaultKey);
  await createNamespace(admin, "state");
  await admin.mustDeploy("hello", HELLO);
  await mustDeploy(admin, "counter", COUNTER, { bindings: STATE_BINDING });
  await mustDeploy(admin, "lingerer", LINGERER, { bindings: STATE_BINDING, timeoutMs: 10_000 });
});

afterAll(async () => {
  expect(await server.stop()).toBe(0);
});

async function kv(key: string): Promise<string | undefined> {
  const answer = await admin.call("GET", `/tenants/default/kv/state/values/${key}`);
  if (answer.status === 404) return undefined;
  if (answer.status !== 200) throw new Error(`reading KV ${key} answered ${answer.status}: ${answer.text}`);
  return answer.text;
}

interface Invocation {
  id: string;
  outcome: string;
  status: number;
  error?: { name: string; message: string };
}

async function invocations(name: string): Promise<Invocation[]> {
  return (await admin.invocations(name)).json.invocations as Invocation[];
}

async function recordOf(name: string, id: string): Promise<Invocation> {
  return waitFor(`the record of ${id}`, async () => (await invocations(name)).find((r) => r.id === id));
}

async function expectServerUp(): Promise<void> {
  expect((await call(`${server.url}/healthz`)).status).toBe(200);
  expect(await invoke(server, "hello")).toMatchObject({ status: 200, text: "hello" });
}

describe("request limits", () => {
  it("answers a 20 KB URL with 414 URI_TOO_LONG, on the data plane and the admin API alike", async () => {
    const long = "a".repeat(20 * 1024);
    for (const url of [
      `${server.url}/fn/default/counter/${long}`,
      `${server.url}/api/v1/tenants?x=${long}`,
    ]) {
      const answer = await call(url);
      expect(answer.status).toBe(414);
      expect(answer.json.error.code).toBe("URI_TOO_LONG");
    }
    expect(await kv("calls")).toBeUndefined();
    await expectServerUp();
  });

  it("answers a 40 KB header with 431 HEADERS_TOO_LARGE as JSON", async () => {
    const raw = await rawExchange(
      server.url,
      `GET /fn/default/hello HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${"b".repeat(40 * 1024)}\r\n\r\n`,
    );
    const answer = parseRawResponse(raw);
    expect(answer.status).toBe(431);
    expect(answer.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body).error.code).toBe("HEADERS_TOO_LARGE");
    await expectServerUp();
  });

  it("refuses a 7 MB chunked body with 413 PAYLOAD_TOO_LARGE before the handler runs", async () => {
    const connection = await openRaw(server.url);
    connection.socket.write(
      "POST /fn/default/counter HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    const chunk = Buffer.alloc(64 * 1024, "x");
    let sent = 0;
    // Stop as soon as the server has answered or hung up; a chunked body never says its length up front.
    while (sent < 7 * 1024 * 1024 && !connection.received().includes("\r\n\r\n")) {
      const flushed = connection.socket.write(`${chunk.byteLength.toString(16)}\r\n${chunk}\r\n`);
      sent += chunk.byteLength;
      if (!flushed) await Promise.race([once(connection.socket, "drain"), connection.closed]);
      if (connection.socket.destroyed) break;
    }
    if (!connection.socket.destroyed) connection.socket.write("0\r\n\r\n");
    const answer = parseRawResponse(
      await waitFor("the 413 answer", async () =>
        connection.received().includes("}") ? connection.received() : undefined,
      ),
    );
    connection.socket.destroy();
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.code).toBe("PAYLOAD_TOO_LARGE");

    // The handler counts its calls before reading the body: one small call later, the count is 1, not 2, and
    // that call is the function's only invocation record.
    expect(await invoke(server, "counter", "/", { method: "POST", body: "small" })).toMatchObject({
      status: 200,
      text: "5",
    });
    expect(await kv("calls")).toBe("1");
    const records = await waitFor("the small call's record", async () => {
      const list = await invocations("counter");
      return list.length > 0 ? list : undefined;
    });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ outcome: "ok", status: 200 });
  });
});

describe("request smuggling and malformed framing", () => {
  it("refuses Content-Length with Transfer-Encoding (CL.TE) with 400, and never reads the smuggled request", async () => {
    const before = await kv("calls");
    const raw = await rawExchange(
      server.url,
      "POST /fn/default/counter HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 50\r\nTransfer-Encoding: chunked\r\n\r\n" +
        "0\r\n\r\nGET /fn/default/counter HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    );
    const answer = parseRawResponse(raw);
    expect(answer.status).toBe(400);
    expect(answer.headers.connection).toBe("close");
    expect(JSON.parse(answer.body).error.code).toBe("INVALID_REQUEST");
    expect(raw.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    expect(await kv("calls")).toBe(before);
  });

  it.each([
    ["two different Content-Lengths", "Content-Length: 4\r\nContent-Length: 5\r\n\r\nabcde"],
    ["an obs-fold header line", "X-A: b\r\n c\r\nContent-Length: 0\r\n\r\n"],
    ["a bare CR inside a header", "X-A: b\rc\r\nContent-Length: 0\r\n\r\n"],
  ])("refuses %s with 400 INVALID_REQUEST", async (_, rest) => {
    const raw = await rawExchange(
      server.url,
      `POST /fn/default/counter HTTP/1.1\r\nHost: 127.0.0.1\r\n${rest}`,
    );
    const answer = parseRawResponse(raw);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error.code).toBe("INVALID_REQUEST");
  });

  it("refuses bare LF line endings with 400", async () => {
    const raw = await rawExchange(server.url, "GET /fn/default/hello HTTP/1.1\nHost: 127.0.0.1\n\n");
    expect(parseRawResponse(raw).status).toBe(400);
    await expectServerUp();
  });
});

describe("slow clients", () => {
  it("500 slowloris sockets do not slow a normal client, and are closed with 408 once the headers timeout passes", async () => {
    const slow: Array<{ connection: RawConnection; trickled: number }> = [];
    for (let i = 0; i < 500; i += 50) {
      const batch = await Promise.all(Array.from({ length: 50 }, () => openRaw(server.url)));
      for (const connection of batch) {
        connection.socket.write("GET /fn/default/hello HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
        slow.push({ connection, trickled: 0 });
      }
    }
    // One header byte per second per socket, while each stays open.
    const trickle = setInterval(() => {
      for (const entry of slow) {
        if (entry.connection.socket.destroyed) continue;
        entry.connection.socket.write("a");
        entry.trickled++;
      }
    }, 1_000);
    try {
      const latencies: number[] = [];
      for (let i = 0; i < 20; i++) {
        const started = performance.now();
        const answer = await invoke(server, "hello");
        latencies.push(performance.now() - started);
        expect(answer).toMatchObject({ status: 200, text: "hello" });
      }
      const openWhileServing = slow.filter((s) => !s.connection.socket.destroyed).length;
      const sorted = [...latencies].sort((a, b) => a - b);
      console.log(
        `slowloris: ${openWhileServing}/500 slow sockets open while a normal client made 20 calls: ` +
          `p50 ${sorted[10]?.toFixed(1)} ms, max ${sorted[19]?.toFixed(1)} ms`,
      );

      const replies = await Promise.race([
        Promise.all(slow.map((s) => s.connection.closed)),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error("slow sockets still open 20 s later")), 20_000),
        ),
      ]);
      for (const reply of replies) {
        const answer = parseRawResponse(reply);
        expect(answer.status).toBe(408);
        expect(JSON.parse(answer.body).error.code).toBe("REQUEST_TIMEOUT");
      }
      // Each was held open while it trickled, then closed by the server, not by this test.
      expect(Math.min(...slow.map((s) => s.trickled))).toBeGreaterThanOrEqual(1);
    } finally {
      clearInterval(trickle);
      for (const entry of slow) entry.connection.socket.destroy();
    }
    await expectServerUp();
  }, 60_000);
});

describe("tenant responses", () => {
  it("strips hop-by-hop headers, those the Connection header names, and platform headers", async () => {
    await admin.mustDeploy(
      "hops",
      `export default { fetch: () => new Response("body", { headers: {
        "connection": "x-hop", "x-hop": "1", "keep-alive": "timeout=99", "proxy-connection": "keep-alive",
        "upgrade": "h2c", "te": "trailers", "trailer": "x-t", "content-length": "999",
        "x-skiff-invocation-id": "forged", "x-skiff-other": "1", "x-end": "kept" } }) };`,
    );
    const answer = await invoke(server, "hops");
    expect(answer.status).toBe(200);
    expect(answer.text).toBe("body");
    expect(answer.headers["x-end"]).toBe("kept");
    for (const name of ["x-hop", "proxy-connection", "upgrade", "te", "trailer", "x-skiff-other"]) {
      expect(answer.headers[name], name).toBeUndefined();
    }
    expect(answer.headers.connection).toBe("keep-alive");
    expect(answer.headers["keep-alive"]).not.toBe("timeout=99");
    expect(answer.headers["content-length"]).toBe("4");
    const id = answer.headers["x-skiff-invocation-id"] as string;
    expect(id).not.toBe("forged");
    expect((await recordOf("hops", id)).outcome).toBe("ok");
  });

  it.each([
    [
      "a Lambda status outside 200-599",
      `export const handler = async () => ({ statusCode: 700, body: "x" });`,
    ],
    ["a Lambda status 101", `export const handler = async () => ({ statusCode: 101 });`],
    [
      "CRLF in a Lambda header value",
      `export const handler = async () => ({ statusCode: 200, headers: { "x-a": "1\\r\\nSet-Cookie: evil=1" } });`,
    ],
    [
      "a Lambda header name that is not a token",
      `export const handler = async () => ({ statusCode: 200, headers: { "bad name": "1" } });`,
    ],
    [
      "a body stream of numbers",
      `export default { fetch: () => new Response(new ReadableStream({ start(c) { c.enqueue(42); c.close(); } })) };`,
    ],
    ["a fetch handler that returns no Response", `export default { fetch: () => ({ status: 200 }) };`],
  ])("answers %s with 502 INVALID_RESPONSE and records it", async (_, code) => {
    const name = `invalid-${Math.random().toString(36).slice(2, 8)}`;
    await admin.mustDeploy(name, code);
    const answer = await invoke(server, name);
    expect(answer.status).toBe(502);
    const id = answer.headers["x-skiff-invocation-id"] as string;
    expect(answer.json.error).toEqual({
      code: "INVALID_RESPONSE",
      message: "the function returned an invalid response",
      invocationId: id,
    });
    expect(answer.text).not.toContain("Set-Cookie");
    expect(await recordOf(name, id)).toMatchObject({ outcome: "invalidResponse", status: 502 });
  });

  it("lets the tenant catch its own RangeError for new Response with status 700 (Workers behaviour)", async () => {
    await admin.mustDeploy(
      "status700",
      `export default { fetch() {
        try { new Response("x", { status: 700 }); } catch (error) { return new Response(error.name, { status: 500 }); }
        return new Response("accepted");
      } };`,
    );
    expect(await invoke(server, "status700")).toMatchObject({ status: 500, text: "RangeError" });
  });

  it("streams a body chunked to HTTP/1.1 clients and unchunked to HTTP/1.0 ones", async () => {
    await admin.mustDeploy(
      "streamer",
      `export default { fetch: () => new Response(new ReadableStream({
        start(c) { const e = new TextEncoder(); c.enqueue(e.encode("one,")); c.enqueue(e.encode("two")); c.close(); },
      })) };`,
    );
    const http11 = await rawExchange(
      server.url,
      "GET /fn/default/streamer HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    );
    expect(parseRawResponse(http11).headers["transfer-encoding"]).toBe("chunked");
    // Chunk sizes in hex, then the terminating zero-size chunk: "one," and "two" as the function wrote them.
    expect(http11.slice(http11.indexOf("\r\n\r\n") + 4)).toBe("4\r\none,\r\n3\r\ntwo\r\n0\r\n\r\n");
    const http10 = await rawExchange(
      server.url,
      "GET /fn/default/streamer HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n",
    );
    expect(parseRawResponse(http10).headers["transfer-encoding"]).toBeUndefined();
    expect(http10.endsWith("\r\n\r\none,two")).toBe(true);
  });

  it("cuts the connection when the body turns bad after the status was sent, and records that", async () => {
    await admin.mustDeploy(
      "breaks",
      `export default { fetch: () => new Response(new ReadableStream({
        start(c) { c.enqueue(new TextEncoder().encode("partial")); },
        pull(c) { c.enqueue(42); },
      })) };`,
    );
    const answer = await request(`${server.url}/fn/default/breaks`);
    expect(answer.statusCode).toBe(200);
    const id = answer.headers["x-skiff-invocation-id"] as string;
    await expect(answer.body.text()).rejects.toThrow();
    const record = await recordOf("breaks", id);
    expect(record).toMatchObject({ outcome: "invalidResponse", status: 200 });
    expect(record.error?.message).toMatch(/connection was cut/);
    await expectServerUp();
  });
});

describe("client disconnect", () => {
  it("cancels the invocation: its later effect never happens and the record says canceled", async () => {
    const client = new AbortController();
    const pending = request(`${server.url}/fn/default/lingerer`, { signal: client.signal }).catch(
      (error: Error) => error,
    );
    const startedAt = Number(await waitFor("the lingerer to start", () => kv("lingerer-started")));
    client.abort();
    expect(await pending).toBeInstanceOf(Error);
    const record = await waitFor("the lingerer's record", async () => (await invocations("lingerer"))[0]);
    expect(record.outcome).toBe("canceled");
    // The handler would have written its mark 1.5 s after it started; look well after that.
    await waitFor("the time the lingerer would have finished", async () =>
      Date.now() > startedAt + 2_500 ? true : undefined,
    );
    expect(await kv("lingerer-finished")).toBeUndefined();
  });
});

describe("graceful shutdown", () => {
  it("on SIGTERM: stops accepting, finishes in-flight requests with Connection: close, closes idle ones, exits 0", async () => {
    const draining = await startSkiff({ keepDataDir: true });
    const drainingAdmin = new AdminClient(draining, draining.defaultKey);
    await createNamespace(drainingAdmin, "state");
    await mustDeploy(
      drainingAdmin,
      "slow",
      `export default { async fetch(request, env) {
        await env.STATE.put("slow-started", "yes");
        await new Promise((resolve) => setTimeout(resolve, 1500));
        return new Response("finished");
      } };`,
      { bindings: STATE_BINDING },
    );
    const idle = await openRaw(draining.url);
    idle.socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    await waitFor("the idle connection's answer", async () =>
      idle.received().endsWith("}") ? true : undefined,
    );
    expect(parseRawResponse(idle.received()).headers.connection).toBe("keep-alive");

    const inFlight = request(`${draining.url}/fn/default/slow`);
    await waitFor("the slow request to reach its handler", async () => {
      const mark = await drainingAdmin.call("GET", "/tenants/default/kv/state/values/slow-started");
      return mark.status === 200 ? true : undefined;
    });
    const exited = draining.stop();
    await waitFor("the server to say it is stopping", async () =>
      draining.stdout().includes("Received SIGTERM") ? true : undefined,
    );
    await waitFor("new connections to be refused", async () =>
      (await openRaw(draining.url).then(
        (c) => {
          c.socket.destroy();
          return false;
        },
        (error: NodeJS.ErrnoException) => error.code === "ECONNREFUSED",
      ))
        ? true
        : undefined,
    );
    await idle.closed;

    const answer = await inFlight;
    expect(answer.statusCode).toBe(200);
    expect(answer.headers.connection).toBe("close");
    expect(await answer.body.text()).toBe("finished");
    expect(await exited).toBe(0);

    // The drained invocation's record was written before the server stopped.
    const restarted = await startSkiff({ dataDir: draining.dataDir });
    try {
      const id = answer.headers["x-skiff-invocation-id"];
      const records = (await new AdminClient(restarted, restarted.defaultKey).invocations("slow")).json
        .invocations as Invocation[];
      expect(records.find((r) => r.id === id)).toMatchObject({ outcome: "ok", status: 200 });
    } finally {
      expect(await restarted.stop()).toBe(0);
      await rm(draining.dataDir, { recursive: true, force: true });
    }
  });
});
