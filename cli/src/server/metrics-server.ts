// A second, private HTTP listener that serves only GET /metrics without a key (SKIFF_METRICS_PORT), for a
// Prometheus that should not hold the operator key. Bind it to an address only the scraper reaches.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface MetricsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface MetricsSource {
  readonly contentType: string;
  render(): Promise<string>;
}

/**
 * Listens on `host:port` (0: a free port). Only `GET`/`HEAD /metrics` are answered (200); other paths 404,
 * other methods 405.
 */
export async function startMetricsServer(
  metrics: MetricsSource,
  port: number,
  host: string,
): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?", 1)[0];
    if (path !== "/metrics") {
      res
        .writeHead(404, { "content-type": "text/plain; charset=utf-8" })
        .end("only /metrics is served here\n");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" }).end();
      return;
    }
    metrics.render().then(
      (text) => {
        res.writeHead(200, { "content-type": metrics.contentType, "cache-control": "no-store" });
        res.end(req.method === "HEAD" ? undefined : text);
      },
      () =>
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end("could not render metrics\n"),
    );
  });
  // Scrapes are small and quick: no slow client may hold a connection for long.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.address.includes(":") ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/metrics`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
