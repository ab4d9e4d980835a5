import { describe, expect, it } from "vitest";
import { devFetch } from "./dev-fetch.js";

/** A stand-in gateway that answers with what it was asked. */
async function echoGateway(request: Request): Promise<Response> {
  return Response.json({
    method: request.method,
    url: request.url,
    authorization: request.headers.get("authorization"),
    header: request.headers.get("x-test"),
    body: request.body === null ? null : await request.text(),
  });
}

function call(name: string | undefined, path: string, init?: RequestInit) {
  const handler = devFetch(echoGateway, { functionName: () => name, adminToken: () => "sk_admin" });
  return handler(new Request(`http://127.0.0.1:8787${path}`, init), {} as never) as Promise<Response>;
}

describe("devFetch", () => {
  it("sends other paths to the project's function, with method, headers, query and body", async () => {
    const answer = await call("hello", "/about/me?x=1", {
      method: "POST",
      headers: { "x-test": "yes" },
      body: "payload",
    });
    expect(await answer.json()).toEqual({
      method: "POST",
      url: "http://127.0.0.1:8787/fn/default/hello/about/me?x=1",
      authorization: null,
      header: "yes",
      body: "payload",
    });
    expect(((await (await call("hello", "/")).json()) as { url: string }).url).toBe(
      "http://127.0.0.1:8787/fn/default/hello/",
    );
  });

  it("sends a path that only begins like a gateway path to the function", async () => {
    const answer = (await (await call("hello", "/s3cret/api")).json()) as { url: string };
    expect(answer.url).toBe("http://127.0.0.1:8787/fn/default/hello/s3cret/api");
  });

  it.each(["/api/v1/tenants", "/fn/default/other/", "/healthz", "/hooks/x", "/metrics", "/s3/bucket/key"])(
    "leaves %s to the gateway",
    async (path) => {
      const answer = (await (await call("hello", path)).json()) as { url: string };
      expect(answer.url).toBe(`http://127.0.0.1:8787${path}`);
    },
  );

  it("runs the scheduled handler through the trigger-run route with the operator key", async () => {
    expect(await (await call("hello", "/__scheduled?cron=*/5+*+*+*+*")).json()).toEqual({
      method: "POST",
      url: "http://127.0.0.1:8787/api/v1/tenants/default/functions/hello/triggers/run",
      authorization: "Bearer sk_admin",
      header: null,
      body: '{"cron":"*/5 * * * *"}',
    });
    expect(((await (await call("hello", "/__scheduled")).json()) as { body: string }).body).toBe("{}");
  });

  it("says where to add a cron when the function has none", async () => {
    const notFound = async () =>
      Response.json(
        { error: { code: "NOT_FOUND", message: 'function "hello" has no cron triggers' } },
        { status: 404 },
      );
    const handler = devFetch(notFound, { functionName: () => "hello", adminToken: () => "k" });
    const answer = (await handler(new Request("http://h/__scheduled"), {} as never)) as Response;
    expect(answer.status).toBe(404);
    const body = (await answer.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("NOT_FOUND");
    expect(body.error.message).toMatch(
      /^function "hello" has no cron triggers: \/__scheduled runs the crons/,
    );
  });

  it("answers 503 until the project has deployed", async () => {
    const answer = await call(undefined, "/");
    expect(answer.status).toBe(503);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe("FUNCTION_NOT_FOUND");
  });
});
