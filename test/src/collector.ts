// A loopback HTTP server in the test process that tenant code reports to with `fetch` (allowed through
// SKIFF_EGRESS_ALLOW): what a handler saw reaches the test as data, not as a guess from logs.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One report: the JSON a handler POSTed, with the number of reports carrying the same `id` so far. */
export interface Report {
  // biome-ignore lint/suspicious/noExplicitAny: handlers send what each test chooses; tests assert field by field
  body: any;
  /** 1 for the first report with this `id`, 2 for the second, … */
  seen: number;
  at: number;
}

export interface Collector {
  /** `127.0.0.1:<port>`, for SKIFF_EGRESS_ALLOW. */
  hostPort: string;
  /** `http://127.0.0.1:<port>/`, where handlers POST their reports. */
  url: string;
  /** Every report, in arrival order. */
  reports: Report[];
  /** How many reports carried `id`. */
  count(id: string): number;
  /** Forgets the reports received so far. */
  clear(): void;
  close(): Promise<void>;
}

/**
 * Each POST body is JSON with an `id` (string or number); the answer is `{"seen": n}`, so a handler can act
 * differently on a redelivery (e.g. fail only the first time).
 *
 * @example
 * const collector = await startCollector();
 * const server = await startSkiff({ env: { SKIFF_EGRESS_ALLOW: collector.hostPort } });
 */
export async function startCollector(): Promise<Collector> {
  const reports: Report[] = [];
  const counts = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    let text = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => {
      text += chunk;
    });
    request.on("end", () => {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        response.statusCode = 400;
        response.end("not JSON");
        return;
      }
      const id = String((body as { id?: unknown } | null)?.id);
      const seen = (counts.get(id) ?? 0) + 1;
      counts.set(id, seen);
      reports.push({ body, seen, at: Date.now() });
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ seen }));
    });
  });
  // Deliveries come in bursts; keep-alive sockets from the server's workers should not pile up as errors.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    hostPort: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}/`,
    reports,
    count: (id) => counts.get(id) ?? 0,
    clear: () => {
      reports.length = 0;
      counts.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
