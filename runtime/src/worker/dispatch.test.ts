// Handler kinds and event shapes: Workers module syntax and Lambda syntax, run in a real isolate.
import { describe, expect, it } from "vitest";
import { httpEvent } from "../testing/fixtures.js";
import { harnessLoader } from "../testing/harness-loader.js";

const load = harnessLoader();

describe("Lambda handlers", () => {
  it("get the API Gateway HTTP API payload 2.0 for HTTP requests", async () => {
    const h = await load(
      "export const handler = async (event, context) => ({ statusCode: 200, body: JSON.stringify({ event, id: context.awsRequestId, left: context.getRemainingTimeInMillis() > 0, name: context.functionName }) });",
    );
    const run = await h.run(
      httpEvent({
        method: "POST",
        url: "http://hello.default.localhost/a/b?x=1&x=2&y=z",
        headers: [
          ["content-type", "application/json"],
          ["cookie", "a=1; b=2"],
          ["user-agent", "test"],
        ],
        body: new TextEncoder().encode('{"k":1}'),
        clientIp: "127.0.0.1",
      }),
    );
    const { event, id, left, name } = run.json() as Record<string, Record<string, unknown>>;
    expect(event).toMatchObject({
      version: "2.0",
      routeKey: "$default",
      rawPath: "/a/b",
      rawQueryString: "x=1&x=2&y=z",
      cookies: ["a=1", "b=2"],
      queryStringParameters: { x: "1,2", y: "z" },
      body: '{"k":1}',
      isBase64Encoded: false,
      requestContext: {
        http: { method: "POST", path: "/a/b", sourceIp: "127.0.0.1", userAgent: "test" },
        stage: "$default",
      },
    });
    expect(event?.headers).toMatchObject({ "content-type": "application/json" });
    expect(id).toBe("inv-1");
    expect(left).toBe(true);
    expect(name).toBe("fn");
  });

  it("send binary bodies base64-encoded and decode base64 results", async () => {
    const h = await load(
      "export const handler = async (e) => ({ statusCode: 201, headers: { 'x-b64': String(e.isBase64Encoded) }, body: e.body, isBase64Encoded: true, cookies: ['s=1'] });",
    );
    const run = await h.run(
      httpEvent({
        method: "POST",
        headers: [["content-type", "application/octet-stream"]],
        body: new Uint8Array([0, 255, 7]),
      }),
    );
    expect(run.status).toBe(201);
    expect([...run.body]).toEqual([0, 255, 7]);
    expect(run.headers).toContainEqual(["x-b64", "true"]);
    expect(run.headers).toContainEqual(["set-cookie", "s=1"]);
  });

  it("turn any other JSON value into a 200 JSON response", async () => {
    const h = await load("export const handler = async () => ({ hello: 'world' });");
    const run = await h.run();
    expect(run.status).toBe(200);
    expect(run.headers).toContainEqual(["content-type", "application/json"]);
    expect(run.json()).toEqual({ hello: "world" });
  });

  it("return the value of a direct invoke, callback style too", async () => {
    const loaded = await load({
      main: "index.cjs",
      modules: {
        "index.cjs": {
          type: "commonjs",
          content:
            "exports.handler = function (event, context, callback) { callback(null, { doubled: event.n * 2 }); };",
        },
      },
    });
    const run = await loaded.run({ kind: "invoke", payload: { n: 21 } });
    expect(run.result).toMatchObject({ outcome: "ok", value: { doubled: 42 } });
  });

  it("report a cyclic return value clearly", async () => {
    const h = await load("export const handler = async () => { const a = {}; a.a = a; return a; };");
    const run = await h.run({ kind: "invoke", payload: {} });
    expect(run.result.outcome).toBe("exception");
    expect(run.result.error?.message).toMatch(/cannot be serialized to JSON/);
  });

  it("get EventBridge scheduled events and SQS records", async () => {
    const h = await load(
      "export const handler = async (event) => event.Records ? { batchItemFailures: [{ itemIdentifier: event.Records[1].messageId }] } : (globalThis.seen = event, null);",
    );
    const cron = await h.run({
      kind: "scheduled",
      cron: "*/5 * * * *",
      scheduledTime: Date.UTC(2026, 10, 27, 13, 0),
    });
    expect(cron.result.outcome).toBe("ok");
    const queue = await h.run({
      kind: "queue",
      queue: "jobs",
      messages: [
        { id: "m1", timestamp: 1, body: { a: 1 }, attempts: 1 },
        { id: "m2", timestamp: 2, body: "two", attempts: 2 },
      ],
    });
    expect(queue.result).toMatchObject({ outcome: "ok", queue: { retry: [{ id: "m2" }] } });
  });
});

describe("Workers handlers", () => {
  it("get scheduled(controller) with cron, scheduledTime and noRetry", async () => {
    const h = await load(
      "export default { async scheduled(controller, env) { if (controller.cron !== '0 9 * * 1' || controller.scheduledTime !== 1000 || env.X !== 'y') throw new Error('bad'); controller.noRetry(); } }",
      { X: "y" },
    );
    const run = await h.run({ kind: "scheduled", cron: "0 9 * * 1", scheduledTime: 1000 });
    expect(run.result).toMatchObject({ outcome: "ok", noRetry: true });
  });

  it("get queue(batch) with explicit ack and retry, and retry all on a throw", async () => {
    const h = await load(`export default { async queue(batch) {
      for (const m of batch.messages) { if (m.body.fail) m.retry({ delaySeconds: 30 }); else if (!m.body.throw) m.ack(); }
      if (batch.messages.some((m) => m.body.throw)) throw new Error("boom");
    } }`);
    const messages = [
      { id: "a", timestamp: 1, body: {}, attempts: 1 },
      { id: "b", timestamp: 1, body: { fail: true }, attempts: 1 },
    ];
    const ok = await h.run({ kind: "queue", queue: "q", messages });
    expect(ok.result).toMatchObject({ outcome: "ok", queue: { retry: [{ id: "b", delaySeconds: 30 }] } });
    const thrown = await h.run({
      kind: "queue",
      queue: "q",
      messages: [...messages, { id: "c", timestamp: 1, body: { throw: true }, attempts: 1 }],
    });
    expect(thrown.result.outcome).toBe("exception");
    expect(thrown.result.queue?.retry.map((r) => r.id)).toEqual(["b", "c"]);
  });

  it("send the response before waitUntil work finishes", async () => {
    const h = await load(`export default { async fetch(request, env, ctx) {
      ctx.waitUntil(new Promise((resolve) => setTimeout(() => { console.log("after"); resolve(); }, 50)));
      return new Response("early");
    } }`);
    const order: string[] = [];
    const run = await h.run(httpEvent(), {});
    order.push(run.text());
    expect(run.text()).toBe("early");
    expect(run.result.logs.map((l) => l.message)).toEqual(["after"]);
  });

  it("give the request the host's URL, serialized as the URL standard says whichever way it came", async () => {
    const h = await load(`export default { fetch(request) {
      return new Response(request.url + " " + new URL(request.url).pathname);
    } }`);
    const serialized = await h.run(httpEvent({ url: "http://fn.test/a/b?x=1" }));
    expect(serialized.text()).toBe("http://fn.test/a/b?x=1 /a/b");
    const raw = await h.run(httpEvent({ url: "http://FN.test:80/a/../b?x=1" }));
    expect(raw.text()).toBe("http://fn.test/b?x=1 /b");
  });

  it("return a plain response's body with the result, but send it first when waitUntil work follows", async () => {
    const plain = await load(`export default { fetch() { return new Response("plain") } }`);
    const direct = await plain.run(httpEvent(), {});
    expect(new TextDecoder().decode(direct.result.body)).toBe("plain");
    const later = await load(`export default { fetch(request, env, ctx) {
      ctx.waitUntil(Promise.resolve());
      return new Response("sent first");
    } }`);
    const sent = await later.run(httpEvent(), {});
    expect(sent.result.body).toBeUndefined();
    expect(sent.text()).toBe("sent first");
  });

  it("reports a thrown non-Error value and a wrong return value clearly", async () => {
    const thrower = await load("export default { fetch() { throw { code: 42 } } }");
    const thrown = await thrower.run();
    expect(thrown.result.outcome).toBe("exception");
    expect(thrown.result.error?.message).toMatch(/Uncaught \{ code: 42 \}/);
    const wrong = await load("export default { fetch() { return 'text' } }");
    const returned = await wrong.run();
    expect(returned.result.outcome).toBe("invalidResponse");
    expect(returned.result.error?.message).toMatch(/must return a Response, got text/);
  });

  it("says which handler is missing", async () => {
    const h = await load("export default { async fetch() { return new Response('x') } }");
    const run = await h.run({ kind: "scheduled", cron: "* * * * *", scheduledTime: 0 });
    expect(run.result.error?.message).toMatch(/no scheduled/);
  });

  it("invokes a Workers fetch handler with the JSON payload as a POST", async () => {
    const h = await load(
      "export default { async fetch(request) { return Response.json({ m: request.method, body: await request.json() }) } }",
    );
    const run = await h.run({ kind: "invoke", payload: { a: 1 } });
    expect(run.json()).toEqual({ m: "POST", body: { a: 1 } });
  });
});

describe("module bundles", () => {
  it("link relative imports, JSON, text, CommonJS and WebAssembly modules", async () => {
    // (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
    const wasm = Buffer.from([
      0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 127, 127, 1, 127, 3, 2, 1, 0, 7, 7, 1, 3, 97, 100, 100, 0,
      0, 10, 9, 1, 7, 0, 32, 0, 32, 1, 106, 11,
    ]).toString("base64");
    const h = await load({
      main: "src/index.js",
      modules: {
        "src/index.js": {
          type: "esm",
          content: `import { greet } from "./lib/greet.js"; import data from "../data.json"; import note from "./note.txt";
            import add from "../add.wasm"; import cjs from "./legacy.cjs";
            const { exports } = await WebAssembly.instantiate(add);
            export default { fetch() { return Response.json({ greet: greet("x"), data, note, sum: exports.add(2, 3), cjs: cjs.value }) } }`,
        },
        "src/lib/greet.js": { type: "esm", content: "export const greet = (n) => 'hi ' + n;" },
        "data.json": { type: "json", content: '{"a":[1,2]}' },
        "src/note.txt": { type: "text", content: "a note" },
        "add.wasm": { type: "wasm", content: wasm },
        "src/legacy.cjs": { type: "commonjs", content: "module.exports = { value: 7 };" },
      },
    });
    const run = await h.run();
    expect(run.json()).toEqual({ greet: "hi x", data: { a: [1, 2] }, note: "a note", sum: 5, cjs: 7 });
  });
});

describe("limits on host calls", () => {
  it("stops a loop of timer calls with an error instead of flooding the worker", async () => {
    const h = await load(
      "export default { fetch() { for (let i = 0; i < 1e7; i++) clearTimeout(setTimeout(() => {}, 1e9)); return new Response('never'); } }",
    );
    // 50 000 host calls take seconds on a machine busy with the rest of the suite: the budget, not a limit,
    // must be what stops the loop.
    const run = await h.run(undefined, {}, { cpuMs: 25_000, timeoutMs: 25_000 });
    expect(run.result.outcome).toBe("exception");
    expect(run.result.error?.message).toMatch(/^SUBREQUEST_LIMIT: too many host calls/);
  });

  it("sends a large body in chunks", async () => {
    const h = await load(
      "export default { fetch() { return new Response(new Uint8Array(3 * 1024 * 1024).fill(1)); } }",
    );
    const run = await h.run();
    expect(run.chunks.length).toBeGreaterThan(1);
    expect(run.body.byteLength).toBe(3 * 1024 * 1024);
  });
});
