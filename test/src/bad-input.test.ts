// Bad input gets a clear 4xx error and changes nothing stored.
import { Readable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { example, fixture } from "./fixtures.js";
import { AdminClient, type Answer, call, invoke, storedState } from "./skiff-api.js";
import { type SkiffServer, startSkiff } from "./skiff-server.js";

let server: SkiffServer;
let admin: AdminClient;
let operator: AdminClient;
let otherTenantKey: string;
let before: unknown;

const hello = example("hello.js");

beforeAll(async () => {
  server = await startSkiff();
  admin = new AdminClient(server, server.defaultKey);
  operator = new AdminClient(server, server.adminToken);
  await admin.mustDeploy("hello", hello);
  await admin.mustDeploy("hello", hello, { vars: { GREETING: "v2" } });
  await admin.mustDeploy("echo", example("echo.js"));

  const created = await operator.call("POST", "/tenants", { name: "other" });
  expect(created.status).toBe(201);
  expect(created.json.tenant.name).toBe("other");
  otherTenantKey = created.json.apiKey;
  await new AdminClient(server, otherTenantKey).mustDeploy("theirs", hello, undefined, "other");
});

afterAll(async () => {
  expect(await server.stop()).toBe(0);
});

beforeEach(async () => {
  before = await storedState(admin);
});

/** After bad input: the same functions, active versions and version hashes, and hello still answers. */
async function expectNothingChanged(): Promise<void> {
  expect(await storedState(admin)).toEqual(before);
  expect((await invoke(server, "hello")).text).toBe("v2\n");
}

function expectError(answer: Answer, status: number, code: string): void {
  expect({ status: answer.status, code: answer.json?.error?.code }).toEqual({ status, code });
  expect(answer.json.error.message).toEqual(expect.any(String));
  expect(answer.json.error.message.length).toBeGreaterThan(10);
}

describe("malformed requests", () => {
  it("refuses malformed JSON with 400 INVALID_JSON", async () => {
    const answer = await admin.call(
      "PUT",
      "/tenants/default/functions/hello",
      '{"code": "export default {}",',
      {
        "content-type": "application/json",
      },
    );
    expectError(answer, 400, "INVALID_JSON");
    await expectNothingChanged();
  });

  it("refuses an empty body with 400 INVALID_JSON", async () => {
    expectError(await admin.call("PUT", "/tenants/default/functions/hello"), 400, "INVALID_JSON");
    await expectNothingChanged();
  });

  it("refuses unknown config fields with 400 INVALID_CONFIG naming the field", async () => {
    const answer = await admin.call("PUT", "/tenants/default/functions/hello", {
      code: hello,
      config: { memoryMb: 64, memoryMB: 64 },
    });
    expectError(answer, 400, "INVALID_CONFIG");
    expect(answer.json.error.message).toContain("memoryMB");
    await expectNothingChanged();
  });

  it.each([
    ["memoryMb", { memoryMb: 1 }],
    ["timeoutMs", { timeoutMs: 0 }],
    ["concurrency", { concurrency: 1.5 }],
    ["vars", { vars: { "1BAD": "x" } }],
  ])("refuses an out-of-range or ill-typed %s with 400 INVALID_CONFIG", async (field, config) => {
    const answer = await admin.call("PUT", "/tenants/default/functions/hello", { code: hello, config });
    expectError(answer, 400, "INVALID_CONFIG");
    expect(answer.json.error.message).toContain(field);
    await expectNothingChanged();
  });

  it("refuses unknown top-level fields with a 400", async () => {
    const answer = await admin.call("PUT", "/tenants/default/functions/hello", { code: hello, handler: "x" });
    expect(answer.status).toBe(400);
    expect(answer.json.error.message).toContain("handler");
    await expectNothingChanged();
  });
});

describe("bad names", () => {
  it.each([
    ["../x, URL-encoded", "..%2Fx"],
    ["A B", "A%20B"],
    ["300 characters", "a".repeat(300)],
    ["a leading dash", "-x"],
  ])("refuses %s with 400 INVALID_NAME", async (_label, segment) => {
    const answer = await admin.call("PUT", `/tenants/default/functions/${segment}`, { code: hello });
    expectError(answer, 400, "INVALID_NAME");
    await expectNothingChanged();
  });
});

describe("bad code", () => {
  it("refuses a syntax error with 400 INVALID_CODE, giving the compiler's message and the line", async () => {
    const answer = await admin.deploy("hello", fixture("syntax-error.js.txt"));
    expectError(answer, 400, "INVALID_CODE");
    expect(answer.json.error.message).toMatch(/missing \) after argument list/);
    expect(answer.json.error.message).toMatch(/line 5\b/);
    await expectNothingChanged();
  });

  it("refuses empty code with 400 INVALID_CODE", async () => {
    expectError(await admin.deploy("hello", "  \n"), 400, "INVALID_CODE");
    await expectNothingChanged();
  });

  it("refuses code over 10 MB with 413", async () => {
    const answer = await admin.deploy("hello", `// ${"x".repeat(10 * 1024 * 1024)}\nexport default {}`);
    expect(answer.status).toBe(413);
    expect(answer.json.error.code).toMatch(/^(CODE_TOO_LARGE|PAYLOAD_TOO_LARGE)$/);
    await expectNothingChanged();
  });
});

describe("keys", () => {
  it("answers 401 UNAUTHORIZED without a key", async () => {
    const anonymous = new AdminClient(server, undefined);
    expectError(await anonymous.deploy("hello", hello), 401, "UNAUTHORIZED");
    expectError(await anonymous.listFunctions(), 401, "UNAUTHORIZED");
    await expectNothingChanged();
  });

  it("answers 401 UNAUTHORIZED with a wrong key", async () => {
    const wrong = new AdminClient(server, `${server.defaultKey.slice(0, -4)}AAAA`);
    expectError(await wrong.deploy("hello", hello), 401, "UNAUTHORIZED");
    expectError(await wrong.call("DELETE", "/tenants/default/functions/hello"), 401, "UNAUTHORIZED");
    await expectNothingChanged();
  });

  it("answers 403 FORBIDDEN to another tenant's key, for reads and writes", async () => {
    const other = new AdminClient(server, otherTenantKey);
    expectError(await other.deploy("hello", hello), 403, "FORBIDDEN");
    expectError(await other.call("DELETE", "/tenants/default/functions/hello"), 403, "FORBIDDEN");
    expectError(
      await other.call("POST", "/tenants/default/functions/hello/rollback", { version: 1 }),
      403,
      "FORBIDDEN",
    );
    expectError(await other.listFunctions(), 403, "FORBIDDEN");
    expectError(await other.invocations("hello"), 403, "FORBIDDEN");
    await expectNothingChanged();

    // …while that key still works on its own tenant, and the default key cannot reach it either.
    expect((await other.listFunctions("other")).status).toBe(200);
    expectError(await admin.listFunctions("other"), 403, "FORBIDDEN");
  });

  it("lets only the operator create tenants", async () => {
    expectError(await admin.call("POST", "/tenants", { name: "sneaky" }), 403, "FORBIDDEN");
    const tenants = await operator.call("GET", "/tenants");
    expect(tenants.json.tenants.map((t: { name: string }) => t.name).sort()).toEqual(["default", "other"]);
    await expectNothingChanged();
  });
});

describe("request bodies", () => {
  it("answers 413 PAYLOAD_TOO_LARGE to a data-plane body over 6 MB, then keeps serving", async () => {
    const answer = await invoke(server, "echo", "", {
      method: "POST",
      body: new Uint8Array(6 * 1024 * 1024 + 1),
    });
    expectError(answer, 413, "PAYLOAD_TOO_LARGE");

    const small = await invoke(server, "echo", "/x", { method: "POST", body: "ping" });
    expect(small.status).toBe(200);
    expect(JSON.parse(small.text)).toMatchObject({ method: "POST", path: "/x", body: "ping" });
    await expectNothingChanged();
  });

  it("answers 413 to a body over the limit sent without a length (chunked)", async () => {
    async function* chunks() {
      for (let i = 0; i < 7; i++) yield new Uint8Array(1024 * 1024);
    }
    const answer = await call(`${server.url}/fn/default/echo`, {
      method: "POST",
      body: Readable.from(chunks()),
    });
    expectError(answer, 413, "PAYLOAD_TOO_LARGE");
    expect((await invoke(server, "echo")).status).toBe(200);
  });
});
