import { Hono } from "hono";
import { describe, expect, it, vi } from "vitest";
import { type AuthEnv, bearerAuth, requireOperator, requireTenantAccess } from "./auth.js";
import { createErrorHandler } from "./error-handler.js";
import { FakeStorage } from "./testing/fake-storage.js";
import { json } from "./testing/json.js";
import { captureLogger } from "./testing/logger.js";

const OPERATOR = "the-operator-key";

async function setup({ adminToken }: { adminToken?: string } = { adminToken: OPERATOR }) {
  const storage = new FakeStorage(() => 5);
  await storage.tenants.create("acme");
  await storage.tenants.create("other");
  const admin = await storage.apiKeys.create("acme", "admin");
  const reader = await storage.apiKeys.create("acme", "read");
  const { logger, lines } = captureLogger();
  const app = new Hono<AuthEnv>();
  app.onError(createErrorHandler(logger));
  app.use("*", bearerAuth({ adminToken, apiKeys: storage.apiKeys, now: () => 42, logger }));
  app.get("/whoami", (c) => c.json(c.get("principal")));
  app.get("/operator", requireOperator, (c) => c.text("ok"));
  app.use("/tenants/:tenant/*", requireTenantAccess);
  app.get("/tenants/:tenant/things", (c) => c.text("read"));
  app.post("/tenants/:tenant/things", (c) => c.text("written"));
  const call = (path: string, key?: string, method = "GET") =>
    app.request(path, { method, headers: key === undefined ? {} : { authorization: key } });
  return { storage, app, call, admin, reader, lines };
}

async function code(res: Response): Promise<string> {
  return (await json(res)).error.code;
}

describe("bearer auth", () => {
  it("answers 401 without a key, with a malformed header, or with an unknown key", async () => {
    const { call } = await setup();
    for (const header of [
      undefined,
      "",
      "Bearer",
      "Basic dXNlcjpwYXNz",
      `Token ${OPERATOR}`,
      "Bearer sk_unknown",
    ]) {
      const res = await call("/whoami", header);
      expect(res.status, String(header)).toBe(401);
      expect(await code(res)).toBe("UNAUTHORIZED");
    }
  });

  it("recognises the operator key, whatever the case of the scheme", async () => {
    const { call } = await setup();
    expect(await json(await call("/whoami", `Bearer ${OPERATOR}`))).toEqual({ kind: "operator" });
    expect((await call("/whoami", `bearer ${OPERATOR}`)).status).toBe(200);
  });

  it("refuses keys that only resemble the operator key", async () => {
    const { call } = await setup();
    for (const key of [`${OPERATOR}x`, OPERATOR.slice(0, -1), OPERATOR.toUpperCase()]) {
      expect((await call("/whoami", `Bearer ${key}`)).status).toBe(401);
    }
  });

  it("gives no operator access when no operator key is configured", async () => {
    for (const adminToken of [undefined, ""]) {
      const { call } = await setup(adminToken === undefined ? {} : { adminToken });
      expect((await call("/whoami", "Bearer ")).status).toBe(401);
      expect((await call("/whoami", `Bearer ${OPERATOR}`)).status).toBe(401);
    }
  });

  it("recognises a tenant key and records its use off the request path", async () => {
    const { call, admin, storage } = await setup();
    const res = await call("/whoami", `Bearer ${admin.key}`);
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ kind: "tenant", tenant: "acme", key: { id: admin.record.id } });
    await vi.waitFor(async () => {
      const records = [...storage.keyRows.values()].filter((r) => r.id === admin.record.id);
      expect(records[0]?.lastUsedAt).toBe(42);
    });
  });

  it("does not fail the request when recording key use fails", async () => {
    const { call, admin, storage, lines } = await setup();
    storage.apiKeys.touch = () => Promise.reject(new Error("database is locked"));
    expect((await call("/whoami", `Bearer ${admin.key}`)).status).toBe(200);
    await vi.waitFor(() => expect(lines.some((l) => l.msg === "could not record API key use")).toBe(true));
  });

  it("refuses a revoked key", async () => {
    const { call, admin, storage } = await setup();
    await storage.apiKeys.revoke(admin.record.id);
    expect((await call("/whoami", `Bearer ${admin.key}`)).status).toBe(401);
  });
});

describe("access rules", () => {
  it("lets only the operator use operator routes", async () => {
    const { call, admin } = await setup();
    expect((await call("/operator", `Bearer ${OPERATOR}`)).status).toBe(200);
    const res = await call("/operator", `Bearer ${admin.key}`);
    expect(res.status).toBe(403);
    expect(await code(res)).toBe("FORBIDDEN");
  });

  it("lets a tenant key reach its own tenant only", async () => {
    const { call, admin } = await setup();
    expect((await call("/tenants/acme/things", `Bearer ${admin.key}`, "POST")).status).toBe(200);
    const res = await call("/tenants/other/things", `Bearer ${admin.key}`);
    expect(res.status).toBe(403);
    expect(await code(res)).toBe("FORBIDDEN");
  });

  it("lets the operator reach every tenant", async () => {
    const { call } = await setup();
    expect((await call("/tenants/other/things", `Bearer ${OPERATOR}`, "POST")).status).toBe(200);
  });

  it("lets a read key only read", async () => {
    const { call, reader } = await setup();
    expect(await (await call("/tenants/acme/things", `Bearer ${reader.key}`)).text()).toBe("read");
    const res = await call("/tenants/acme/things", `Bearer ${reader.key}`, "POST");
    expect(res.status).toBe(403);
  });
});
