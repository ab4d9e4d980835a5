import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { CliError } from "../cli-error.js";
import { createHttpServer, DEFAULT_HTTP_LIMITS, type HttpServer } from "./http-server.js";

const servers: HttpServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.drain(100)));
});

/** A server whose handler answers "ok", or waits for the test to release it at /slow. */
async function start(limits: Parameters<typeof createHttpServer>[1] = {}) {
  const releases: Array<() => void> = [];
  const http = createHttpServer(async (request: Request) => {
    if (new URL(request.url).pathname === "/slow") await new Promise<void>((r) => releases.push(r));
    return new Response("ok");
  }, limits);
  servers.push(http);
  const { port } = await http.listen(0, "127.0.0.1");
  return { http, port, releases };
}

interface RawSocket {
  socket: Socket;
  /** Everything received so far. */
  received(): string;
  /** Resolves with everything received once the server closed the connection. */
  closed: Promise<string>;
}

function rawSocket(port: number): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let data = "";
    socket.setEncoding("latin1").on("data", (chunk: string) => {
      data += chunk;
    });
    socket.on("error", () => {});
    const closed = new Promise<string>((r) => socket.once("close", () => r(data)));
    socket.once("connect", () => resolve({ socket, received: () => data, closed }));
    socket.once("error", reject);
  });
}

/** Sends `request` on a new connection and returns what the server wrote before closing it. */
async function exchange(port: number, request: string): Promise<string> {
  const raw = await rawSocket(port);
  raw.socket.write(request);
  return raw.closed;
}

function jsonBody(reply: string) {
  return JSON.parse(reply.slice(reply.indexOf("\r\n\r\n") + 4));
}

async function until(what: string, probe: () => boolean): Promise<void> {
  const end = Date.now() + 5_000;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("createHttpServer", () => {
  it("applies the limits to the node:http server", async () => {
    const { http } = await start({ headersTimeoutMs: 2_000, maxRequestsPerSocket: 7 });
    expect(http.server.headersTimeout).toBe(2_000);
    expect(http.server.requestTimeout).toBe(DEFAULT_HTTP_LIMITS.requestTimeoutMs);
    expect(http.server.keepAliveTimeout).toBe(DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs);
    expect(http.server.maxRequestsPerSocket).toBe(7);
  });

  it("answers a request", async () => {
    const { port } = await start();
    const reply = await exchange(port, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    expect(reply).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nok$/);
  });

  it("answers headers over maxHeaderBytes with 431 HEADERS_TOO_LARGE as JSON", async () => {
    const { port } = await start({ maxHeaderBytes: 4096 });
    const reply = await exchange(port, `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${"b".repeat(5000)}\r\n\r\n`);
    expect(reply).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(reply).toContain("\r\nConnection: close\r\n");
    expect(jsonBody(reply).error.code).toBe("HEADERS_TOO_LARGE");
  });

  it.each([
    [
      "Content-Length with Transfer-Encoding (smuggling)",
      "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n",
    ],
    ["two different Content-Lengths", "Content-Length: 4\r\nContent-Length: 5\r\n"],
    ["a Content-Length list", "Content-Length: 4, 4\r\n"],
    ["Transfer-Encoding chunked not last", "Transfer-Encoding: chunked, gzip\r\n"],
    ["two Transfer-Encoding headers", "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n"],
    ["whitespace before the colon", "Transfer-Encoding : chunked\r\n"],
    ["an obs-fold continuation line", "X-A: b\r\n c\r\n"],
    ["a bare CR in a header", "X-A: b\rc\r\n"],
    ["NUL in a header value", "X-A: b\0c\r\n"],
  ])("refuses %s with 400 INVALID_REQUEST as JSON", async (_, headers) => {
    const { port } = await start();
    const reply = await exchange(port, `POST / HTTP/1.1\r\nHost: a\r\n${headers}\r\nabcd`);
    expect(reply).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(jsonBody(reply).error.code).toBe("INVALID_REQUEST");
  });

  it("refuses a request line ending in a bare LF with 400", async () => {
    const { port } = await start();
    const reply = await exchange(port, "GET / HTTP/1.1\nHost: a\n\n");
    expect(jsonBody(reply).error.code).toBe("INVALID_REQUEST");
  });

  it("answers 408 REQUEST_TIMEOUT and closes a connection whose headers do not arrive in time", async () => {
    const { port } = await start({
      headersTimeoutMs: 300,
      requestTimeoutMs: 1_000,
      connectionsCheckingIntervalMs: 50,
    });
    const raw = await rawSocket(port);
    raw.socket.write("GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ");
    const reply = await raw.closed;
    expect(reply).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(jsonBody(reply).error.code).toBe("REQUEST_TIMEOUT");
  });

  it("drains: refuses new connections, ends in-flight responses with Connection: close, closes idle ones", async () => {
    const { http, port, releases } = await start();
    const idle = await rawSocket(port);
    idle.socket.write("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    await until("the idle connection's answer", () => idle.received().endsWith("ok"));
    expect(idle.received()).toContain("Connection: keep-alive");
    const busy = await rawSocket(port);
    busy.socket.write("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
    await until("the slow request to reach its handler", () => releases.length === 1);

    const drained = http.drain(5_000);
    await idle.closed;
    await expect(rawSocket(port)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    releases[0]?.();
    const reply = await busy.closed;
    expect(reply).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(reply).toContain("\r\nConnection: close\r\n");
    expect(reply.endsWith("ok")).toBe(true);
    await drained;
  });

  it("cuts connections still open when the drain time is over", async () => {
    const { http, port, releases } = await start();
    const busy = await rawSocket(port);
    busy.socket.write("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
    await until("the slow request to reach its handler", () => releases.length === 1);
    await http.drain(50);
    expect(await busy.closed).toBe("");
  });

  it("lets a direct handler take requests before fetch, with Connection: close while draining", async () => {
    const waiting: Array<() => void> = [];
    const http = createHttpServer(
      () => new Response("via fetch"),
      {},
      (incoming, outgoing) => {
        if (incoming.url !== "/direct") return false;
        // As the gateway's data plane: the head is written as one flat array once the answer is ready.
        waiting.push(() => outgoing.writeHead(200, ["content-length", "6"]).end("direct"));
        return true;
      },
    );
    servers.push(http);
    const { port } = await http.listen(0, "127.0.0.1");
    const other = await exchange(port, "GET /other HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    expect(other.endsWith("via fetch")).toBe(true);
    const busy = await rawSocket(port);
    busy.socket.write("GET /direct HTTP/1.1\r\nHost: a\r\n\r\n");
    await until("the direct handler to take the request", () => waiting.length === 1);
    const drained = http.drain(5_000);
    waiting[0]?.();
    const reply = await busy.closed;
    expect(reply).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(reply).toContain("\r\nConnection: close\r\n");
    expect(reply.endsWith("direct")).toBe(true);
    await drained;
  });

  it.each([
    [{ headersTimeoutMs: 0 }],
    [{ maxHeaderBytes: 1.5 }],
    [{ headersTimeoutMs: 20_000, requestTimeoutMs: 10_000 }],
  ])("refuses limits %j", (limits) => {
    expect(() => createHttpServer(() => new Response("x"), limits)).toThrow(CliError);
  });
});
