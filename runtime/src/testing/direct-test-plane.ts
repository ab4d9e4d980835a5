// A tiny direct-plane module for the runtime's tests (built to dist/, which the workers import): a node:http
// server fed with the connections the supervisor hands over, answering `/fn/<name>` by invoking that version
// from its table (`host.snapshot`, then `{ type: "version" }` broadcasts) through `host.runtime`.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { type InvocationResult, SkiffError } from "@skiff/core";
import type { DirectPlaneHost, DirectPlaneInstance } from "../direct-plane.js";
import type { StreamingResponse, VersionSpec } from "../types.js";

/** What the tests broadcast to the module. */
export type TestPlaneMessage =
  | { type: "version"; name: string; version: VersionSpec }
  | { type: "ping"; n: number }
  /** Lets held streamed responses (`?hold`) be read on. */
  | { type: "release" };

/** What the module sends back. */
export type TestPlaneReport =
  | { type: "pong"; n: number; slot: number }
  | { type: "result"; name: string; outcome: string; slot: number }
  /** A held response read its first chunk and waits for `release`. */
  | { type: "holding"; name: string; slot: number };

export async function startDirectPlane(host: DirectPlaneHost): Promise<DirectPlaneInstance> {
  const versions = new Map(Object.entries((host.snapshot ?? {}) as Record<string, VersionSpec>));
  const sockets = new Set<Socket>();
  let releaseHeld: () => void = () => {};
  let held = new Promise<void>((resolve) => {
    releaseHeld = resolve;
  });
  let inFlight = 0;
  let idle: () => void = () => {};
  let counter = 0;

  const server = createServer((req, res) => {
    inFlight++;
    serve(req, res)
      .catch((error: unknown) => {
        if (!res.headersSent) reply(res, 500, { error: { code: "INTERNAL_ERROR", message: String(error) } });
        else res.destroy();
      })
      .finally(() => {
        if (--inFlight === 0) idle();
      });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://direct.test");
    res.setHeader("x-slot", String(host.slot));
    res.setHeader("x-pid", String(process.pid));
    const name = url.pathname.replace(/^\/fn\//, "");
    const version = versions.get(name);
    if (version === undefined) return reply(res, 404, { error: { code: "NOT_FOUND", message: name } });
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    const controller = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    let first: (answer: { response: StreamingResponse } | { result: InvocationResult }) => void = () => {};
    const answered = new Promise<{ response: StreamingResponse } | { result: InvocationResult }>(
      (resolve) => {
        first = resolve;
      },
    );
    const done = host.runtime.invoke(
      version,
      {
        kind: "http",
        method: req.method ?? "GET",
        url: url.href,
        headers: [["x-direct-slot", String(host.slot)]],
        body: parts.length === 0 ? null : Buffer.concat(parts),
      },
      {
        invocationId: `direct-${host.slot}-${++counter}`,
        signal: controller.signal,
        onResponse: (response) => first({ response }),
      },
    );
    done.then(
      (result) => {
        first({ result });
        host.send({ type: "result", name, outcome: result.outcome, slot: host.slot });
      },
      () => {},
    );
    let answer: { response: StreamingResponse } | { result: InvocationResult };
    try {
      answer = await Promise.race([answered, done.then(() => answered)]);
    } catch (error) {
      if (!(error instanceof SkiffError)) throw error;
      return reply(res, error.status, { error: { code: error.code, message: error.message } });
    }
    if ("result" in answer) {
      const { result } = answer;
      if (result.response === undefined)
        return reply(res, 500, { error: { code: result.outcome, message: result.error?.message } });
      res.writeHead(result.response.status, result.response.headers.flat());
      res.end(result.response.body);
      return;
    }
    const { response } = answer;
    res.writeHead(response.status, response.headers.flat());
    if (!(response.body instanceof ReadableStream)) {
      res.end(response.body);
      return;
    }
    const reader = response.body.getReader();
    let chunks = 0;
    for (;;) {
      const { done: ended, value } = await reader.read();
      if (ended) break;
      // Writes as fast as the client reads, and no faster: the runtime's backpressure reaches the handler.
      if (!res.write(value)) await new Promise((resolve) => res.once("drain", resolve));
      if (++chunks === 1 && url.searchParams.has("hold")) {
        host.send({ type: "holding", name, slot: host.slot });
        await held;
      }
    }
    res.end();
  }

  return {
    connection(socket) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      server.emit("connection", socket);
      socket.resume();
    },
    message(data) {
      const message = data as TestPlaneMessage;
      if (message.type === "version") versions.set(message.name, message.version);
      else if (message.type === "ping") host.send({ type: "pong", n: message.n, slot: host.slot });
      else if (message.type === "release") {
        releaseHeld();
        held = new Promise<void>((resolve) => {
          releaseHeld = resolve;
        });
      }
    },
    async close(drainMs) {
      server.close();
      server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => {
            idle = resolve;
          }),
          new Promise((resolve) => setTimeout(resolve, drainMs)),
        ]);
      }
      for (const socket of sockets) socket.destroy();
    },
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
