// Issue 3: Workers and Lambda handlers over real HTTP — Lambda handlers as AWS documents them, direct invoke,
// streamed responses reaching the client before the handler finishes, waitUntil after the response, and
// uncaught errors logged with a stack that points at the uploaded file.
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminClient, call, invoke, waitFor } from "./skiff-api.js";
import { type SkiffServer, startSkiff } from "./skiff-server.js";

let server: SkiffServer;
let admin: AdminClient;

beforeAll(async () => {
  server = await startSkiff();
  admin = new AdminClient(server, server.defaultKey);
});

afterAll(async () => {
  expect(await server.stop()).toBe(0);
});

interface InvocationRecord {
  id: string;
  trigger: string;
  outcome: string;
  status: number;
  logs: Array<{ level: string; message: string }>;
}

async function recordOf(name: string, id: string): Promise<InvocationRecord> {
  return waitFor(`the invocation record ${id}`, async () => {
    const answer = await admin.invocations(name);
    return (answer.json.invocations as InvocationRecord[]).find((r) => r.id === id);
  });
}

// As in AWS's Node.js examples (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html).
const LAMBDA = `
export const handler = async (event, context) => {
  if (event.requestContext?.http) {
    return {
      statusCode: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ method: event.requestContext.http.method, path: event.rawPath, query: event.queryStringParameters, body: event.body, requestId: context.awsRequestId }),
    };
  }
  const order = event.order ?? {};
  return { orderId: order.id, total: (order.items ?? []).reduce((sum, item) => sum + item.price * item.qty, 0), remainingOk: context.getRemainingTimeInMillis() > 0 };
};`;

describe("Lambda handlers", () => {
  it("answer HTTP requests with the payload 2.0 event", async () => {
    await admin.mustDeploy("orders", LAMBDA);
    const answer = await invoke(server, "orders", "/items?x=1", {
      method: "POST",
      body: "hello",
      headers: { "content-type": "text/plain" },
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ method: "POST", path: "/items", query: { x: "1" }, body: "hello" });
    expect(answer.json.requestId).toBe(answer.headers["x-skiff-invocation-id"]);
  });

  it("answer a direct invoke with their return value, recorded with trigger invoke", async () => {
    const answer = await admin.call("POST", "/tenants/default/functions/orders/invoke", {
      order: {
        id: "o-1",
        items: [
          { price: 2, qty: 3 },
          { price: 10, qty: 1 },
        ],
      },
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ orderId: "o-1", total: 16, remainingOk: true });
    const record = await recordOf("orders", answer.headers["x-skiff-invocation-id"] as string);
    expect(record).toMatchObject({ trigger: "invoke", outcome: "ok", status: 200 });
  });

  it("run the classic CommonJS form (exports.handler in a .js file) unchanged", async () => {
    await admin.mustDeploy(
      "classic",
      "exports.handler = async (event, context) => ({ statusCode: 200, body: 'classic ' + event.rawPath + ' ' + context.functionName });",
    );
    const answer = await invoke(server, "classic", "/x");
    expect(answer.text).toBe("classic /x classic");
  });

  it("refuses a direct invoke that is not JSON or names no function", async () => {
    expect(
      (await admin.call("POST", "/tenants/default/functions/orders/invoke", "{nope")).json.error.code,
    ).toBe("INVALID_JSON");
    expect((await admin.call("POST", "/tenants/default/functions/missing/invoke", {})).status).toBe(404);
  });
});

describe("Workers handlers", () => {
  it("stream a response: the client gets the first chunk before the last is written", async () => {
    await admin.mustDeploy(
      "stream",
      `export default { async fetch() {
        const encoder = new TextEncoder();
        const body = new ReadableStream({
          async start(controller) {
            for (let i = 1; i <= 3; i++) {
              controller.enqueue(encoder.encode(JSON.stringify({ i, writtenAt: Date.now() }) + "\\n"));
              if (i < 3) await new Promise((resolve) => setTimeout(resolve, 200));
            }
            controller.close();
          },
        });
        return new Response(body, { headers: { "content-type": "application/x-ndjson" } });
      } }`,
      { timeoutMs: 5000 },
    );
    const answer = await request(`${server.url}/fn/default/stream`);
    expect(answer.statusCode).toBe(200);
    const received: Array<{ line: { i: number; writtenAt: number }; at: number }> = [];
    let buffer = "";
    for await (const chunk of answer.body) {
      buffer += chunk.toString();
      let newline = buffer.indexOf("\n");
      while (newline >= 0) {
        received.push({ line: JSON.parse(buffer.slice(0, newline)), at: Date.now() });
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf("\n");
      }
    }
    expect(received.map((r) => r.line.i)).toEqual([1, 2, 3]);
    const first = received[0] as (typeof received)[number];
    const last = received[2] as (typeof received)[number];
    expect(first.at).toBeLessThan(last.line.writtenAt);
  });

  it("send the response before waitUntil work ends, and record that work's logs", async () => {
    await admin.mustDeploy(
      "later",
      `export default { async fetch(request, env, ctx) {
        ctx.waitUntil(new Promise((resolve) => setTimeout(() => { console.log("waitUntil done"); resolve(); }, 300)));
        return new Response("now");
      } }`,
    );
    const answer = await invoke(server, "later");
    expect(answer.text).toBe("now");
    const record = await recordOf("later", answer.headers["x-skiff-invocation-id"] as string);
    expect(record.logs.map((l) => l.message)).toContain("waitUntil done");
  });

  it("log an uncaught error with its stack at the uploaded file and line, and answer 500 with the invocation id", async () => {
    await admin.mustDeploy(
      "broken",
      ["export default {", "  async fetch() {", '    throw new Error("kaboom");', "  },", "};"].join("\n"),
    );
    const answer = await invoke(server, "broken");
    expect(answer.status).toBe(500);
    expect(answer.json.error).toMatchObject({ code: "FUNCTION_ERROR" });
    expect(answer.text).not.toContain("kaboom");
    const record = await recordOf("broken", answer.json.error.invocationId);
    const logged = record.logs.map((l) => l.message).join("\n");
    expect(logged).toContain("kaboom");
    expect(logged).toMatch(/index\.js:3:11/);
  });
});

describe("the invoke API", () => {
  it("passes a Workers module's response through", async () => {
    await admin.mustDeploy(
      "echo-json",
      "export default { async fetch(request) { return Response.json({ got: await request.json() }) } }",
    );
    const answer = await call(`${server.url}/api/v1/tenants/default/functions/echo-json/invoke`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.defaultKey}`, "content-type": "application/json" },
      body: JSON.stringify({ a: 1 }),
    });
    expect(answer.json).toEqual({ got: { a: 1 } });
  });
});
