import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { type MetricsServer, startMetricsServer } from "./metrics-server.js";

let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("startMetricsServer", () => {
  it("serves /metrics without a key and nothing else", async () => {
    let scrapes = 0;
    server = await startMetricsServer(
      {
        contentType: "text/plain; version=0.0.4; charset=utf-8",
        render: async () => `scrapes ${++scrapes}\n`,
      },
      0,
      "127.0.0.1",
    );
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const ok = await request(server.url);
    expect(ok.statusCode).toBe(200);
    expect(ok.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(await ok.body.text()).toBe("scrapes 1\n");
    const other = await request(server.url.replace("/metrics", "/api/v1/tenants"));
    expect(other.statusCode).toBe(404);
    await other.body.dump();
    const post = await request(server.url, { method: "POST" });
    expect(post.statusCode).toBe(405);
    await post.body.dump();
  });

  it("answers 500 when rendering fails", async () => {
    server = await startMetricsServer(
      {
        contentType: "text/plain",
        render: async () => {
          throw new Error("broken");
        },
      },
      0,
      "127.0.0.1",
    );
    const answer = await request(server.url);
    expect(answer.statusCode).toBe(500);
    await answer.body.dump();
  });
});
