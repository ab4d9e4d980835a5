// The data plane behind a real @hono/node-server socket, where it reads Node's request directly (no Fetch
// Request): headers, bodies, limits and the client's departure must be as through `app.request`.
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { HttpEvent } from "@skiff/core";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../testing/harness.js";

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

interface Sent {
  method?: string;
  path: string;
  headers?: Array<[string, string]>;
  body?: string;
}

function send(port: number, { method = "GET", path, headers = [], body }: Sent) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    // As a flat list Node sends them as they are (repeats included), Host too.
    const raw = [["Host", `127.0.0.1:${port}`], ...headers].flat();
    const req = httpRequest({ port, host: "127.0.0.1", method, path, headers: raw }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const lastEvent = (h: Harness) => h.runtime.invocations.at(-1)?.event as HttpEvent | undefined;

describe("data plane over Node", () => {
  it("gives the function sorted lowercase headers, repeats joined, x-skiff-* dropped", async () => {
    const h = await startHarness();
    await h.deploy("hello");
    const port = await listen(h);
    const answer = await send(port, {
      path: "/fn/default/hello/a?b=1",
      headers: [
        ["X-Trace", "abc"],
        ["Accept", "text/plain"],
        ["accept", "text/html"],
        ["X-Skiff-Event-Id", "forged"],
      ],
    });
    expect(answer.status, answer.text).toBe(200);
    const event = lastEvent(h);
    expect(event).toMatchObject({
      kind: "http",
      method: "GET",
      url: `http://127.0.0.1:${port}/a?b=1`,
      body: null,
    });
    // Node's client adds its own Connection header (keep-alive or close, by its agent).
    expect(event?.headers.filter(([name]) => name !== "connection")).toEqual([
      ["accept", "text/plain, text/html"],
      ["host", `127.0.0.1:${port}`],
      ["x-trace", "abc"],
    ]);
  });

  it("passes a request body as bytes, and an empty one for a bodiless POST", async () => {
    const h = await startHarness();
    await h.deploy("echo");
    const port = await listen(h);
    await send(port, { method: "POST", path: "/fn/default/echo", body: "payload ü" });
    expect(new TextDecoder().decode(lastEvent(h)?.body ?? undefined)).toBe("payload ü");
    await send(port, { method: "DELETE", path: "/fn/default/echo" });
    expect(lastEvent(h)?.body).toEqual(new Uint8Array(0));
  });

  it("refuses a body whose Content-Length is over the limit, without invoking", async () => {
    const h = await startHarness({ requestBodyBytes: 10 });
    await h.deploy("echo");
    const port = await listen(h);
    const refused = await send(port, { method: "PUT", path: "/fn/default/echo", body: "x".repeat(11) });
    expect(refused.status).toBe(413);
    expect(JSON.parse(refused.text).error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(h.runtime.invocations).toHaveLength(0);
    const ok = await send(port, { method: "PUT", path: "/fn/default/echo", body: "x".repeat(10) });
    expect(ok.status).toBe(200);
  });

  it("does not cancel an invocation whose client stayed", async () => {
    const h = await startHarness();
    await h.deploy("hello");
    const port = await listen(h);
    await send(port, { path: "/fn/default/hello" });
    expect(h.runtime.invocations[0]?.options.signal?.aborted).toBe(false);
  });
});
