// The node:http server in front of the gateway: limits that keep slow or malformed clients from pinning it,
// JSON answers for requests Node refuses itself, and a graceful drain on shutdown.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { type createAdaptorServer, getRequestListener } from "@hono/node-server";
import { CliError } from "../cli-error.js";
import { type ClientErrorLimits, clientErrorReply } from "./client-error-reply.js";

/** What answers each request: the gateway's `app.fetch`. */
export type FetchHandler = Parameters<typeof createAdaptorServer>[0]["fetch"];

/**
 * Takes a request straight from Node before `fetch` sees it (true), or leaves it to `fetch` (false), deciding
 * synchronously: the gateway's data plane, which answers without building Fetch objects.
 */
export type DirectHandler = (incoming: IncomingMessage, outgoing: ServerResponse) => boolean;

export interface HttpServerLimits extends ClientErrorLimits {
  /** How long an idle keep-alive connection stays open. */
  keepAliveTimeoutMs: number;
  /** How often Node looks for connections past `headersTimeoutMs` / `requestTimeoutMs`. */
  connectionsCheckingIntervalMs: number;
  /** Requests served on one connection before it is closed (`Connection: close` on the last). */
  maxRequestsPerSocket: number;
}

/** The defaults, documented in the README's limits table. */
export const DEFAULT_HTTP_LIMITS: Readonly<HttpServerLimits> = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  connectionsCheckingIntervalMs: 1_000,
  maxHeaderBytes: 32 * 1024,
  maxRequestsPerSocket: 1_000,
};

export interface HttpServer {
  readonly server: Server;
  readonly limits: Readonly<HttpServerLimits>;
  /** Listens on `host:port` (0 picks a free port), with a CliError that says what to do when it cannot. */
  listen(port: number, host: string): Promise<AddressInfo>;
  /**
   * Stops accepting connections; requests in flight finish and their responses carry `Connection: close`;
   * idle keep-alive connections are closed at once, and whatever is still open after `drainMs` is cut.
   */
  drain(drainMs: number): Promise<void>;
}

/**
 * @example
 * const http = createHttpServer(gateway.app.fetch, { headersTimeoutMs: 5_000 }, gateway.nodeDataPlane);
 * await http.listen(8787, "127.0.0.1");
 * process.once("SIGTERM", () => http.drain(5_000));
 */
export function createHttpServer(
  fetch: FetchHandler,
  overrides: Partial<HttpServerLimits> = {},
  direct?: DirectHandler,
): HttpServer {
  const limits = validLimits({ ...DEFAULT_HTTP_LIMITS, ...overrides });
  const viaFetch = getRequestListener(fetch);
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.connectionsCheckingIntervalMs,
      maxHeaderSize: limits.maxHeaderBytes,
    },
    direct === undefined
      ? viaFetch
      : (incoming, outgoing) => {
          if (!direct(incoming, outgoing)) void viaFetch(incoming, outgoing);
        },
  );
  server.maxRequestsPerSocket = limits.maxRequestsPerSocket;

  let draining = false;
  /** Responses not yet finished, to mark `Connection: close` when a drain starts. */
  const open = new Set<ServerResponse>();
  /** Each connection's latest response: a refusal must not be written into one that already started. */
  const latest = new WeakMap<Duplex, ServerResponse>();
  // Prepended, so it runs before the gateway's listener writes anything.
  server.prependListener("request", (request: IncomingMessage, response: ServerResponse) => {
    open.add(response);
    latest.set(request.socket, response);
    if (draining) closeAfter(response);
    response.once("close", () => {
      open.delete(response);
      // The connection is idle now; while draining, close it instead of waiting for its keep-alive timeout.
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
  });
  // Node would answer these itself with an empty body; we answer DESIGN §5 JSON and close the connection.
  server.on("clientError", (error: NodeJS.ErrnoException & { reason?: unknown }, socket: Duplex) => {
    const current = latest.get(socket);
    const started = current?.headersSent === true && !current.writableFinished;
    const reply = socket.writable && !started ? clientErrorReply(error, limits) : undefined;
    if (reply === undefined) {
      socket.destroy();
      return;
    }
    socket.end(reply, () => socket.destroy());
  });

  return {
    server,
    limits,
    listen: (port, host) => listen(server, port, host),
    drain(drainMs) {
      draining = true;
      for (const response of open) closeAfter(response);
      return new Promise((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), drainMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}

/** Makes Node close the connection once this response is sent (and tell the client so). */
function closeAfter(response: ServerResponse): void {
  if (!response.headersSent) response.setHeader("Connection", "close");
}

function validLimits(limits: HttpServerLimits): HttpServerLimits {
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new CliError(`the HTTP limit ${name} must be a positive integer, got ${value}`);
    }
  }
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new CliError(
      `the headers timeout (${limits.headersTimeoutMs} ms) is longer than the request timeout (${limits.requestTimeoutMs} ms)`,
      "the request timeout covers the headers too: make it at least as long",
    );
  }
  return limits;
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") {
        reject(
          new CliError(
            `port ${port} on ${host} is already in use`,
            "stop the other process, or choose another port with --port (0 picks a free one)",
          ),
        );
      } else if (error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND") {
        reject(
          new CliError(`cannot listen on ${host}: no such local address`, "use --host 127.0.0.1 or 0.0.0.0"),
        );
      } else {
        reject(error);
      }
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve(server.address() as AddressInfo);
    });
  });
}
