import { LIMITS, resolveFunctionConfig } from "@skiff/core";
import { describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../testing/harness.js";
import { json } from "../testing/json.js";

const FN = "/api/v1/tenants/default/functions";

/** What storage holds, to show that a refused request changed nothing. */
function snapshot(h: Harness) {
  return JSON.stringify({
    functions: [...h.storage.functionRows.entries()],
    blobs: [...h.storage.blobRows.keys()],
    routes: [...h.gateway.routes.entries()],
  });
}

describe("PUT …/functions/{name}", () => {
  it("deploys a version, activates it and routes to it", async () => {
    const h = await startHarness();
    const reply = await h.api("PUT", `${FN}/hello`, {
      body: {
        code: "export default { fetch() {} }",
        config: { memoryMb: 64, timeoutMs: 1000, vars: { A: "1" } },
      },
    });
    expect(reply.status).toBe(201);
    expect(reply.json.function).toMatchObject({ name: "hello", tenantName: "default", activeVersion: 1 });
    expect(reply.json.version).toMatchObject({
      number: 1,
      codeHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      config: {
        memoryMb: 64,
        timeoutMs: 1000,
        cpuMs: 1000,
        concurrency: LIMITS.concurrency.default,
        vars: { A: "1" },
      },
    });
    expect(h.runtime.checked).toEqual([
      {
        main: "index.js",
        modules: { "index.js": { type: "esm", content: "export default { fetch() {} }" } },
      },
    ]);
    expect(reply.json.version).toMatchObject({
      main: "index.js",
      modules: [{ path: "index.js", type: "esm", size: 29 }],
    });
    expect(h.gateway.routes.get("default", "hello")).toMatchObject({ id: reply.json.version.id, number: 1 });
  });

  it("routes to a new version and evicts the one it replaces", async () => {
    const h = await startHarness();
    await h.deploy("hello", "export default 1");
    const v1 = h.gateway.routes.get("default", "hello")?.id;
    expect(await h.deploy("hello", "export default 2")).toBe(2);
    expect(h.gateway.routes.get("default", "hello")?.number).toBe(2);
    expect(h.runtime.evicted).toEqual([v1]);
    expect(await (await h.gateway.app.request("/fn/default/hello")).text()).toMatch(/^hello v2 /);
  });

  it("fills defaults when config is absent", async () => {
    const h = await startHarness();
    const reply = await h.api("PUT", `${FN}/hello`, { body: { code: "export default {}" } });
    expect(reply.json.version.config).toEqual(resolveFunctionConfig({}));
  });

  it("answers INVALID_CODE with the compiler's message and line, and stores nothing", async () => {
    const h = await startHarness();
    h.runtime.checkResult = () => ({
      ok: false,
      error: { message: "SyntaxError: Unexpected token '}'", line: 3, column: 7 },
    });
    const before = snapshot(h);
    const reply = await h.api("PUT", `${FN}/hello`, { body: { code: "export default {\n\n}" } });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe("INVALID_CODE");
    expect(reply.json.error.message).toContain("SyntaxError: Unexpected token '}'");
    expect(reply.json.error.message).toContain("line 3");
    expect(snapshot(h)).toBe(before);
  });

  it("does not repeat a line the compiler's message already names", async () => {
    const h = await startHarness();
    h.runtime.checkResult = () => ({
      ok: false,
      error: { message: "SyntaxError: Unexpected end of input (line 3, column 2)", line: 3, column: 2 },
    });
    const reply = await h.api("PUT", `${FN}/hello`, { body: { code: "export default {\n  fetch() {}\n}" } });
    expect(reply.json.error.message).toBe(
      "the code does not compile: SyntaxError: Unexpected end of input (line 3, column 2)",
    );
    expect(reply.json.error.details).toEqual({ message: expect.any(String), line: 3, column: 2 });
  });

  it.each([
    ["malformed JSON", '{"code": "x"', "INVALID_JSON"],
    ["an unknown top-level field", { code: "x", handler: "index.fetch" }, "INVALID_REQUEST"],
    ["a missing code", { config: {} }, "INVALID_REQUEST"],
    ["code that is not a string", { code: 1 }, "INVALID_REQUEST"],
    ["an unknown config field", { code: "x", config: { memory: 128 } }, "INVALID_CONFIG"],
    ["a limit out of range", { code: "x", config: { memoryMb: 1 << 20 } }, "INVALID_CONFIG"],
    ["a bad variable name", { code: "x", config: { vars: { "1X": "v" } } }, "INVALID_CONFIG"],
    ["config that is not an object", { code: "x", config: "big" }, "INVALID_CONFIG"],
    ["empty code", { code: "" }, "INVALID_CODE"],
    ["blank code", { code: " \n\t" }, "INVALID_CODE"],
  ])("answers 400 for %s and stores nothing", async (_, body, code) => {
    const h = await startHarness();
    await h.deploy("hello");
    const before = snapshot(h);
    const reply = await h.api("PUT", `${FN}/hello`, { body });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe(code);
    expect(snapshot(h)).toBe(before);
  });

  it("answers 413 CODE_TOO_LARGE for code over the limit, before compiling it", async () => {
    const h = await startHarness();
    const code = `// ${"x".repeat(LIMITS.codeBytes)}`;
    const reply = await h.api("PUT", `${FN}/big`, { body: { code } });
    expect(reply.status).toBe(413);
    expect(reply.json.error.code).toBe("CODE_TOO_LARGE");
    expect(h.runtime.checked).toEqual([]);
    expect(h.storage.functionRows.size).toBe(0);
  });

  it("answers 413 CODE_TOO_LARGE for a deploy request too large to hold code within the limit", async () => {
    const h = await startHarness();
    const reply = await h.api("PUT", `${FN}/big`, { body: { code: "\n".repeat(LIMITS.codeBytes + 1) } });
    expect(reply.status).toBe(413);
    expect(reply.json.error.code).toBe("CODE_TOO_LARGE");
  });

  it.each(["..%2Fx", "A%20B", "a".repeat(300), "UPPER", "under_score"])(
    "refuses the function name %s with 400 INVALID_NAME",
    async (name) => {
      const h = await startHarness();
      const reply = await h.api("PUT", `${FN}/${name}`, { body: { code: "export default {}" } });
      expect(reply.status).toBe(400);
      expect(reply.json.error.code).toBe("INVALID_NAME");
      expect(h.storage.functionRows.size).toBe(0);
      expect(h.runtime.checked).toEqual([]);
    },
  );

  it("refuses an invalid tenant name with 400 INVALID_NAME", async () => {
    const h = await startHarness();
    const reply = await h.api("PUT", "/api/v1/tenants/A%20B/functions/x", {
      body: { code: "export default {}" },
    });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe("INVALID_NAME");
  });

  it("answers 404 TENANT_NOT_FOUND for an unknown tenant", async () => {
    const h = await startHarness();
    const reply = await h.api("PUT", "/api/v1/tenants/nobody/functions/x", {
      body: { code: "export default {}" },
    });
    expect(reply.status).toBe(404);
    expect(reply.json.error.code).toBe("TENANT_NOT_FOUND");
  });

  it("accepts the tenant's own key and refuses another tenant's with 403", async () => {
    const h = await startHarness();
    const other = await h.api("POST", "/api/v1/tenants", { body: { name: "other" } });
    expect(
      (await h.api("PUT", `${FN}/mine`, { key: h.key, body: { code: "export default {}" } })).status,
    ).toBe(201);
    const before = snapshot(h);
    const reply = await h.api("PUT", `${FN}/theirs`, {
      key: other.json.apiKey,
      body: { code: "export default {}" },
    });
    expect(reply.status).toBe(403);
    expect(reply.json.error.code).toBe("FORBIDDEN");
    expect(snapshot(h)).toBe(before);
    // Another tenant's key can not tell a missing tenant from a forbidden one.
    expect((await h.api("GET", "/api/v1/tenants/nobody/functions", { key: other.json.apiKey })).status).toBe(
      403,
    );
  });

  it.each([
    [null, 401],
    ["sk_wrong", 401],
  ])("answers %s key with %i and stores nothing", async (key, status) => {
    const h = await startHarness();
    const reply = await h.api("PUT", `${FN}/hello`, { key, body: { code: "export default {}" } });
    expect(reply.status).toBe(status);
    expect(reply.json.error.code).toBe("UNAUTHORIZED");
    expect(h.storage.functionRows.size).toBe(0);
  });
});

describe("reading functions", () => {
  it("lists a tenant's functions", async () => {
    const h = await startHarness();
    await h.deploy("b");
    await h.deploy("a");
    const reply = await h.api("GET", FN, { key: h.key });
    expect(reply.status).toBe(200);
    expect(reply.json.functions.map((f: { name: string }) => f.name)).toEqual(["a", "b"]);
  });

  it("shows a function with its active version and config", async () => {
    const h = await startHarness();
    await h.deploy("hello", "export default {}", { memoryMb: 32 });
    const reply = await h.api("GET", `${FN}/hello`);
    expect(reply.status).toBe(200);
    expect(reply.json.function).toMatchObject({ name: "hello", activeVersion: 1 });
    expect(reply.json.version).toMatchObject({ number: 1, config: { memoryMb: 32 } });
  });

  it.each([`${FN}/nope`, `${FN}/nope/versions`, `${FN}/nope/invocations`])(
    "answers 404 FUNCTION_NOT_FOUND for %s",
    async (path) => {
      const h = await startHarness();
      const reply = await h.api("GET", path);
      expect(reply.status).toBe(404);
      expect(reply.json.error.code).toBe("FUNCTION_NOT_FOUND");
    },
  );

  it("lists versions", async () => {
    const h = await startHarness();
    await h.deploy("hello", "export default 1");
    await h.deploy("hello", "export default 2");
    const reply = await h.api("GET", `${FN}/hello/versions`);
    expect(reply.json.versions.map((v: { number: number }) => v.number)).toEqual([1, 2]);
  });

  it("answers an unknown route under the API with 404 NOT_FOUND", async () => {
    const h = await startHarness();
    const reply = await h.api("GET", "/api/v1/nothing-here");
    expect(reply.status).toBe(404);
    expect(reply.json.error.code).toBe("NOT_FOUND");
  });
});

describe("POST …/functions/{name}/rollback", () => {
  it("activates an older version and routes to it", async () => {
    const h = await startHarness();
    await h.deploy("hello", "export default 1");
    await h.deploy("hello", "export default 2");
    const v2 = h.gateway.routes.get("default", "hello")?.id;
    const reply = await h.api("POST", `${FN}/hello/rollback`, { key: h.key, body: { version: 1 } });
    expect(reply.status).toBe(200);
    expect(reply.json.function.activeVersion).toBe(1);
    expect(reply.json.version.number).toBe(1);
    expect(h.gateway.routes.get("default", "hello")?.number).toBe(1);
    expect(h.runtime.evicted).toContain(v2);
    expect(await (await h.gateway.app.request("/fn/default/hello")).text()).toMatch(/^hello v1 /);
  });

  it("answers 404 VERSION_NOT_FOUND for a version that does not exist", async () => {
    const h = await startHarness();
    await h.deploy("hello");
    const reply = await h.api("POST", `${FN}/hello/rollback`, { body: { version: 9 } });
    expect(reply.status).toBe(404);
    expect(reply.json.error.code).toBe("VERSION_NOT_FOUND");
    expect(h.gateway.routes.get("default", "hello")?.number).toBe(1);
  });

  it("answers 404 FUNCTION_NOT_FOUND for a function that does not exist", async () => {
    const h = await startHarness();
    const reply = await h.api("POST", `${FN}/nope/rollback`, { body: { version: 1 } });
    expect(reply.json.error.code).toBe("FUNCTION_NOT_FOUND");
  });

  it.each([{}, { version: 0 }, { version: 1.5 }, { version: "1" }, { version: 1, force: true }])(
    "answers 400 INVALID_REQUEST for %j",
    async (body) => {
      const h = await startHarness();
      await h.deploy("hello");
      const reply = await h.api("POST", `${FN}/hello/rollback`, { body });
      expect(reply.status).toBe(400);
      expect(reply.json.error.code).toBe("INVALID_REQUEST");
    },
  );
});

describe("DELETE …/functions/{name}", () => {
  it("deletes the function, stops routing to it and evicts its versions", async () => {
    const h = await startHarness();
    await h.deploy("hello", "export default 1");
    await h.deploy("hello", "export default 2");
    const ids = (await h.storage.functions.listVersions("default", "hello")).map((v) => v.id);
    const reply = await h.api("DELETE", `${FN}/hello`, { key: h.key });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ deleted: true, tenant: "default", name: "hello" });
    expect(h.gateway.routes.get("default", "hello")).toBeUndefined();
    expect(h.runtime.evicted).toEqual(expect.arrayContaining(ids));
    expect(h.storage.functionRows.size).toBe(0);
    const res = await h.gateway.app.request("/fn/default/hello");
    expect(res.status).toBe(404);
    expect((await json(res)).error.code).toBe("FUNCTION_NOT_FOUND");
    expect((await h.api("DELETE", `${FN}/hello`)).json.error.code).toBe("FUNCTION_NOT_FOUND");
  });

  it("is refused to a read-only key", async () => {
    const h = await startHarness();
    await h.deploy("hello");
    const { key } = await h.storage.apiKeys.create("default", "read");
    expect((await h.api("DELETE", `${FN}/hello`, { key })).status).toBe(403);
    expect((await h.api("GET", `${FN}/hello`, { key })).status).toBe(200);
    expect(h.gateway.routes.get("default", "hello")).toBeDefined();
  });
});

describe("GET …/functions/{name}/invocations", () => {
  it("shows an invocation that just finished, newest first", async () => {
    const h = await startHarness();
    await h.deploy("hello");
    await h.gateway.app.request("/fn/default/hello");
    h.runtime.handler = () => ({ outcome: "exception", error: { name: "Error", message: "boom" } });
    await h.gateway.app.request("/fn/default/hello");
    const reply = await h.api("GET", `${FN}/hello/invocations`, { key: h.key });
    expect(reply.status).toBe(200);
    expect(reply.json.invocations).toMatchObject([
      {
        id: "inv-2",
        version: 1,
        trigger: "http",
        outcome: "exception",
        status: 500,
        error: { message: "boom" },
      },
      {
        id: "inv-1",
        version: 1,
        trigger: "http",
        outcome: "ok",
        status: 200,
        cold: true,
        cpuMs: 1,
        wallMs: 2,
      },
    ]);
  });

  it("honours limit", async () => {
    const h = await startHarness();
    await h.deploy("hello");
    for (let i = 0; i < 3; i++) await h.gateway.app.request("/fn/default/hello");
    const reply = await h.api("GET", `${FN}/hello/invocations?limit=2`);
    expect(reply.json.invocations.map((r: { id: string }) => r.id)).toEqual(["inv-3", "inv-2"]);
  });

  it.each(["0", "1001", "-1", "x", "2.5"])("answers 400 INVALID_REQUEST for limit=%s", async (limit) => {
    const h = await startHarness();
    await h.deploy("hello");
    const reply = await h.api("GET", `${FN}/hello/invocations?limit=${limit}`);
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe("INVALID_REQUEST");
  });
});

describe("route changes and their followers", () => {
  it("answers a deploy, a rollback and a delete only once every follower of the routes has applied them", async () => {
    const h = await startHarness();
    // A follower that applies changes elsewhere (the direct data plane's workers) and says when.
    const applied: Array<() => void> = [];
    h.gateway.routes.onChange(() => new Promise<void>((resolve) => applied.push(resolve)));
    const answeredOnlyOnceApplied = async (call: Promise<{ status: number }>, expected: number) => {
      let answered = false;
      void call.then(() => {
        answered = true;
      });
      const before = applied.length;
      for (let i = 0; i < 200 && applied.length === before; i++) await new Promise((r) => setTimeout(r, 5));
      // The route changed, and the call is held: a handler that did not wait would have answered by now.
      expect(applied.length).toBe(before + 1);
      await new Promise((r) => setTimeout(r, 20));
      expect(answered).toBe(false);
      applied.at(-1)?.();
      expect((await call).status).toBe(expected);
    };
    const deploy = (code: string) => h.api("PUT", `${FN}/hello`, { body: { code } });
    await answeredOnlyOnceApplied(deploy("export default 1"), 201);
    await answeredOnlyOnceApplied(deploy("export default 2"), 201);
    await answeredOnlyOnceApplied(h.api("POST", `${FN}/hello/rollback`, { body: { version: 1 } }), 200);
    await answeredOnlyOnceApplied(h.api("DELETE", `${FN}/hello`), 200);
  });
});
