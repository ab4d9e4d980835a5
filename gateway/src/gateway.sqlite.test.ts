// The admin flows against the real SQLite storage, so that the fakes can not drift from the contract unnoticed.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCodeBundle } from "@skiff/core";
import { openStorage } from "@skiff/storage";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGateway, type Gateway } from "./gateway.js";
import { FakeRuntime } from "./testing/fake-runtime.js";
import { json } from "./testing/json.js";

const OPERATOR = "operator";
let dataDir: string;
let storage: Awaited<ReturnType<typeof openStorage>>;
let gateway: Gateway;

async function call(method: string, path: string, body?: unknown, key = OPERATOR) {
  const init: RequestInit = { method, headers: { authorization: `Bearer ${key}` } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await gateway.app.request(path, init);
  return { status: res.status, json: await json(res) };
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "skiff-gateway-"));
  storage = await openStorage({ dataDir });
  gateway = await createGateway({ storage, runtime: new FakeRuntime(), adminToken: OPERATOR });
});

afterEach(async () => {
  await gateway.close();
  await storage.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("gateway over SQLite storage", () => {
  it("creates a tenant, deploys, invokes, rolls back, lists invocations and deletes", async () => {
    const tenant = await call("POST", "/api/v1/tenants", { name: "acme" });
    expect(tenant.status).toBe(201);
    const key = tenant.json.apiKey as string;
    const fn = "/api/v1/tenants/acme/functions/hello";

    expect((await call("PUT", fn, { code: "export default 1", config: { memoryMb: 64 } }, key)).status).toBe(
      201,
    );
    const v2 = await call("PUT", fn, { code: "export default 2" }, key);
    expect(v2.json.version).toMatchObject({ number: 2, config: { memoryMb: 128 } });
    expect(await (await gateway.app.request("/fn/acme/hello/x")).text()).toBe(
      "hello v2 GET http://localhost/x",
    );

    const rollback = await call("POST", `${fn}/rollback`, { version: 1 }, key);
    expect(rollback.json.function.activeVersion).toBe(1);
    expect(await (await gateway.app.request("/fn/acme/hello")).text()).toMatch(/^hello v1 /);
    expect((await call("POST", `${fn}/rollback`, { version: 5 }, key)).json.error.code).toBe(
      "VERSION_NOT_FOUND",
    );

    const shown = await call("GET", fn, undefined, key);
    expect(shown.json.version).toMatchObject({ number: 1, config: { memoryMb: 64 } });
    const versions = await call("GET", `${fn}/versions`, undefined, key);
    expect(versions.json.versions.map((v: { number: number }) => v.number)).toEqual([1, 2]);

    const invocations = await call("GET", `${fn}/invocations`, undefined, key);
    expect(invocations.json.invocations).toMatchObject([
      { version: 1, trigger: "http", outcome: "ok", status: 200 },
      { version: 2, trigger: "http", outcome: "ok", status: 200 },
    ]);

    // A restarted gateway rebuilds its routes from storage.
    const restarted = await createGateway({ storage, runtime: new FakeRuntime() });
    expect(restarted.routes.get("acme", "hello")?.number).toBe(1);

    expect((await call("DELETE", fn, undefined, key)).status).toBe(200);
    const gone = await gateway.app.request("/fn/acme/hello");
    expect(gone.status).toBe(404);
    expect((await call("GET", fn, undefined, key)).json.error.code).toBe("FUNCTION_NOT_FOUND");
  });

  it("refuses bad input and a foreign key without storing anything", async () => {
    await call("POST", "/api/v1/tenants", { name: "acme" });
    const other = (await call("POST", "/api/v1/tenants", { name: "other" })).json.apiKey as string;
    const fn = "/api/v1/tenants/acme/functions/hello";
    expect((await call("PUT", fn, { code: "x", config: { nope: 1 } })).json.error.code).toBe(
      "INVALID_CONFIG",
    );
    expect((await call("PUT", fn, { code: "x" }, other)).status).toBe(403);
    expect((await call("PUT", fn, { code: "x" }, "sk_nope")).status).toBe(401);
    expect((await call("POST", "/api/v1/tenants", { name: "acme" })).json.error.code).toBe("CONFLICT");
    expect(await storage.functions.list("acme")).toEqual([]);
    expect((await call("GET", "/api/v1/tenants")).json.tenants).toHaveLength(2);
  });

  it("stores modules as a bundle and secrets sealed, and a restarted gateway routes with both", async () => {
    await call("POST", "/api/v1/tenants", { name: "acme" });
    const fn = "/api/v1/tenants/acme/functions/multi";
    const deployed = await call("PUT", fn, {
      main: "index.ts",
      modules: {
        "index.ts": 'import { n } from "./n";\nexport default { n };',
        "n.ts": "export const n: number = 1;",
      },
      config: { vars: { SETTINGS: { level: 3 } } },
      secrets: { TOKEN: "tok-123" },
    });
    expect(deployed.status).toBe(201);
    expect(deployed.json.version.modules.map((m: { path: string }) => m.path)).toEqual(["index.ts", "n.ts"]);

    const blob = new TextDecoder().decode(await storage.blobs.get(deployed.json.version.codeHash));
    const bundle = parseCodeBundle(blob);
    expect(bundle.modules["index.ts"]?.content).toContain('from "./n.ts"');
    expect(blob).not.toContain("tok-123");

    expect((await call("PUT", `${fn}/secrets/OTHER`, { value: "o-456" })).status).toBe(201);
    expect(gateway.routes.get("acme", "multi")?.secrets).toEqual({ TOKEN: "tok-123", OTHER: "o-456" });
    expect((await call("DELETE", `${fn}/secrets/TOKEN`)).status).toBe(200);

    const restarted = await createGateway({ storage, runtime: new FakeRuntime() });
    expect(restarted.routes.get("acme", "multi")).toMatchObject({
      number: 1,
      secrets: { OTHER: "o-456" },
      config: { vars: { SETTINGS: { level: 3 } }, allowedHosts: [] },
    });
    const listed = await call("GET", `${fn}/secrets`);
    expect(listed.json.secrets.map((s: { name: string }) => s.name)).toEqual(["OTHER"]);
    expect(JSON.stringify(listed.json)).not.toContain("o-456");
    const row = storage.db.prepare("SELECT ciphertext FROM secrets").get() as { ciphertext: Buffer };
    expect(row.ciphertext.includes("o-456")).toBe(false);
  });

  it("refuses a secret named like a var with INVALID_CONFIG, both ways", async () => {
    await call("POST", "/api/v1/tenants", { name: "acme" });
    const fn = "/api/v1/tenants/acme/functions/hello";
    await call("PUT", fn, { code: "export default {}", config: { vars: { MODE: "a" } } });
    expect((await call("PUT", `${fn}/secrets/MODE`, { value: "s" })).json.error.code).toBe("INVALID_CONFIG");
    await call("PUT", `${fn}/secrets/TOKEN`, { value: "s" });
    const clash = await call("PUT", fn, { code: "export default 2", config: { vars: { TOKEN: "v" } } });
    expect(clash.json.error.code).toBe("INVALID_CONFIG");
    expect((await storage.functions.listVersions("acme", "hello")).map((v) => v.number)).toEqual([1]);
  });
});
