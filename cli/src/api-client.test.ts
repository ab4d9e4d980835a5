import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SkiffClient } from "./api-client.js";
import { ApiError, ServerUnreachableError } from "./api-error.js";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

type Reply = { status: number; headers?: Record<string, string>; body: string };

let server: Server;
let url: string;
let seen: Seen[];
let reply: Reply;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    seen.push({
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    });
    res.writeHead(reply.status, reply.headers ?? { "content-type": "application/json" });
    res.end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
  reply = { status: 200, body: "{}" };
});

async function withClient<T>(token: string | undefined, fn: (client: SkiffClient) => Promise<T>): Promise<T> {
  const client = new SkiffClient({ url, token });
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

describe("SkiffClient.deployFunction", () => {
  it("PUTs the code and config as JSON with the bearer key and returns the answer", async () => {
    reply = { status: 201, body: JSON.stringify({ function: { name: "hello" }, version: { number: 3 } }) };
    const result = await withClient("sk_test", (c) =>
      c.deployFunction("default", "hello", { code: "export default {}", config: { memoryMb: 64 } }),
    );
    expect(result.version.number).toBe(3);
    expect(seen).toHaveLength(1);
    const [request] = seen;
    expect(request?.method).toBe("PUT");
    expect(request?.url).toBe("/api/v1/tenants/default/functions/hello");
    expect(request?.headers.authorization).toBe("Bearer sk_test");
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request?.body ?? "")).toEqual({ code: "export default {}", config: { memoryMb: 64 } });
  });

  it("encodes names into single path segments", async () => {
    reply = { status: 201, body: JSON.stringify({ function: { name: "x" }, version: { number: 1 } }) };
    await withClient("k", (c) => c.deployFunction("a/b", "../x", { code: "", config: {} }));
    expect(seen[0]?.url).toBe("/api/v1/tenants/a%2Fb/functions/..%2Fx");
  });

  it("sends no authorization header without a token", async () => {
    reply = { status: 200, body: JSON.stringify({ functions: [] }) };
    await withClient(undefined, (c) => c.listFunctions("default"));
    expect(seen[0]?.headers.authorization).toBeUndefined();
  });

  it("turns a platform error body into an ApiError with its code and message", async () => {
    reply = {
      status: 400,
      body: JSON.stringify({ error: { code: "INVALID_CODE", message: "line 3: boom" } }),
    };
    const error = await withClient("k", (c) =>
      c.deployFunction("default", "x", { code: "", config: {} }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: "INVALID_CODE", message: "line 3: boom" });
  });

  it("keeps a non-JSON error body readable", async () => {
    reply = { status: 502, headers: { "content-type": "text/plain" }, body: "Bad Gateway from proxy\n" };
    const error = await withClient("k", (c) => c.listFunctions("default")).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, code: "HTTP_502", message: "Bad Gateway from proxy" });
  });

  it("refuses a success answer without a version number", async () => {
    reply = { status: 201, body: JSON.stringify({ ok: true }) };
    const error = await withClient("k", (c) =>
      c.deployFunction("default", "x", { code: "", config: {} }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "INVALID_ANSWER" });
  });
});

describe("SkiffClient.listFunctions", () => {
  it("reads {functions: [...]} and keeps name, active version and update time", async () => {
    reply = {
      status: 200,
      body: JSON.stringify({
        functions: [
          { name: "hello", activeVersion: 2, updatedAt: 1700000000000, tenantId: 1 },
          { name: "echo", activeVersion: null },
        ],
      }),
    };
    const list = await withClient("k", (c) => c.listFunctions("acme"));
    expect(seen[0]).toMatchObject({ method: "GET", url: "/api/v1/tenants/acme/functions" });
    expect(list).toEqual([
      { name: "hello", activeVersion: 2, updatedAt: 1700000000000 },
      { name: "echo", activeVersion: null, updatedAt: null },
    ]);
  });
});

describe("SkiffClient.invoke", () => {
  it("calls the data plane with method, path, headers and body and returns any status as is", async () => {
    reply = { status: 418, headers: { "content-type": "text/plain", "x-fn": "1" }, body: "teapot" };
    const answer = await withClient("k", (c) =>
      c.invoke("default", "echo", {
        method: "POST",
        path: "/a/b?q=1",
        headers: { "content-type": "text/plain" },
        body: new TextEncoder().encode("ping"),
      }),
    );
    expect(seen[0]).toMatchObject({ method: "POST", url: "/fn/default/echo/a/b?q=1", body: "ping" });
    expect(seen[0]?.headers.authorization).toBeUndefined();
    expect(answer.status).toBe(418);
    expect(answer.headers["x-fn"]).toBe("1");
    expect(new TextDecoder().decode(answer.body)).toBe("teapot");
  });

  it("adds the leading slash to a path given without one", async () => {
    reply = { status: 200, headers: {}, body: "" };
    await withClient("k", (c) => c.invoke("default", "echo", { method: "GET", path: "x", headers: {} }));
    expect(seen[0]?.url).toBe("/fn/default/echo/x");
  });

  it("keeps a base URL's path prefix", async () => {
    reply = { status: 200, headers: {}, body: "" };
    const client = new SkiffClient({ url: `${url}/skiff/` });
    await client.invoke("default", "echo", { method: "GET", path: "/", headers: {} });
    await client.close();
    expect(seen[0]?.url).toBe("/skiff/fn/default/echo/");
  });
});

describe("an unreachable server", () => {
  it("is a ServerUnreachableError naming the address", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    const client = new SkiffClient({ url: `http://127.0.0.1:${port}` });
    const error = await client.listFunctions("default").catch((e: unknown) => e);
    await client.close();
    expect(error).toBeInstanceOf(ServerUnreachableError);
    expect((error as Error).message).toContain(`cannot reach Skiff at http://127.0.0.1:${port}`);
    expect((error as Error).message).toContain("ECONNREFUSED");
  });
});
