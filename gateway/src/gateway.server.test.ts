// The gateway behind a real @hono/node-server socket: what app.request can not show (early 413, client disconnect).
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type Harness, startHarness } from "./testing/harness.js";

let server: ReturnType<typeof serve> | undefined;

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function listen(h: Harness): Promise<number> {
  return new Promise((resolve) => {
    server = serve({ fetch: h.gateway.app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) =>
      resolve(info.port),
    );
  });
}

describe("gateway over HTTP", () => {
  it("answers 413 to an endless chunked upload while it is still being sent", async () => {
    const h = await startHarness({ requestBodyBytes: 64 * 1024 });
    await h.deploy("echo");
    const port = await listen(h);
    const chunk = Buffer.alloc(16 * 1024, 0x61);
    let sent = 0;
    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        { port, host: "127.0.0.1", method: "POST", path: "/fn/default/echo" },
        (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (d: string) => {
            body += d;
          });
          res.on("end", () => {
            stop = true;
            req.destroy();
            resolve({ status: res.statusCode ?? 0, body });
          });
        },
      );
      let stop = false;
      req.on("error", (err) => {
        if (!stop) reject(err);
      });
      const pump = () => {
        while (!stop && sent < 1024 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) {
            req.once("drain", pump);
            return;
          }
        }
      };
      pump();
    });
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body).error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(sent).toBeLessThan(1024 * 1024 * 1024);
    expect(h.runtime.invocations).toHaveLength(0);
  });

  it("cancels the invocation when the client disconnects", async () => {
    const h = await startHarness();
    await h.deploy("slow");
    let aborted = false;
    h.runtime.handler = (_v, _e, options) =>
      new Promise((resolve) => {
        options.signal?.addEventListener("abort", () => {
          aborted = true;
          resolve({ outcome: "canceled" });
        });
      });
    const port = await listen(h);
    const req = httpRequest({ port, host: "127.0.0.1", path: "/fn/default/slow" });
    req.on("error", () => {});
    req.end();
    await vi.waitFor(() => expect(h.runtime.invocations).toHaveLength(1));
    req.destroy();
    await vi.waitFor(() => expect(aborted).toBe(true));
    await h.gateway.flush();
    expect(h.storage.invocationRows[0]?.outcome).toBe("canceled");
  });

  it("routes by Host header with a port", async () => {
    const h = await startHarness();
    await h.deploy("hello");
    const port = await listen(h);
    const body = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(
        { port, host: "127.0.0.1", path: "/p?q=1", headers: { host: `hello.default.localhost:${port}` } },
        (res) => {
          let text = "";
          res.on("data", (d: Buffer) => {
            text += d.toString();
          });
          res.on("end", () => resolve(text));
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(body).toBe(`hello v1 GET http://hello.default.localhost:${port}/p?q=1`);
  });
});
