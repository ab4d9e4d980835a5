import { Hono } from "hono";
import { describe, expect, it, vi } from "vitest";
import {
  type AuthEnv,
  bearerAuth,
  KEY_USE_WRITE_INTERVAL_MS,
  type Principal,
  requireOperator,
  requireTenantAccess,
  tenantAccessRefusal,
} from "./auth.js";
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
  const deployer = await storage.apiKeys.create("acme", "deploy");
  const reader = await storage.apiKeys.create("acme", "read");
  const { logger, lines } = captureLogger();
  const clock = { now: 42 };
  const app = new Hono<AuthEnv>();
  app.onError(createErrorHandler(logger));
  app.use("*", bearerAuth({ adminToken, apiKeys: storage.apiKeys, now: () => clock.now, logger }));
  app.get("/whoami", (c) => c.json(c.get("principal")));
  app.get("/operator", requireOperator, (c) => c.text("ok"));
  app.use("/tenants/:tenant/*", requireTenantAccess);
  app.get("/tenants/:tenant/things", (c) => c.text("read"));
  app.post("/tenants/:tenant/things", (c) => c.text("written"));
  app.get("/tenants/:tenant/keys", (c) => c.text("key list"));
  app.post("/tenants/:tenant/keys", (c) => c.text("key made"));
  app.delete("/tenants/:tenant/keys/:id", (c) => c.text("key revoked"));
  const call = (path: string, key?: string, method = "GET") =>
    app.request(path, { method, headers: key === undefined ? {} : { authorization: key } });
  return { storage, app, call, admin, deployer, reader, lines, clock };
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

  it("writes a busy key's last-used time at most once a minute", async () => {
    const { call, admin, storage, clock } = await setup();
    const touches: Array<[string, number]> = [];
    const touch = storage.apiKeys.touch;
    storage.apiKeys.touch = (id, now) => {
      touches.push([id, now]);
      return touch(id, now);
    };
    const use = async (key: string) => expect((await call("/whoami", `Bearer ${key}`)).status).toBe(200);
    for (let i = 0; i < 20; i++) await use(admin.key);
    clock.now = 42 + KEY_USE_WRITE_INTERVAL_MS - 1;
    await use(admin.key);
    expect(touches).toEqual([[admin.record.id, 42]]);

    clock.now = 42 + KEY_USE_WRITE_INTERVAL_MS;
    await use(admin.key);
    await use(admin.key);
    expect(touches).toEqual([
      [admin.record.id, 42],
      [admin.record.id, 42 + KEY_USE_WRITE_INTERVAL_MS],
    ]);
    // Each key has its own minute.
    const other = await storage.apiKeys.create("acme", "read");
    await use(other.key);
    expect(touches.map(([id]) => id)).toEqual([admin.record.id, admin.record.id, other.record.id]);
    await vi.waitFor(() =>
      expect([...storage.keyRows.values()].find((r) => r.id === admin.record.id)?.lastUsedAt).toBe(
        42 + KEY_USE_WRITE_INTERVAL_MS,
      ),
    );
  });

  it("does not retry a failed last-used write on every request", async () => {
    const { call, admin, storage, lines, clock } = await setup();
    let attempts = 0;
    storage.apiKeys.touch = () => {
      attempts += 1;
      return Promise.reject(new Error("database or disk is full"));
    };
    for (let i = 0; i < 5; i++) expect((await call("/whoami", `Bearer ${admin.key}`)).status).toBe(200);
    expect(attempts).toBe(1);
    clock.now += KEY_USE_WRITE_INTERVAL_MS;
    expect((await call("/whoami", `Bearer ${admin.key}`)).status).toBe(200);
    expect(attempts).toBe(2);
    await vi.waitFor(() =>
      expect(lines.filter((l) => l.msg === "could not record API key use")).toHaveLength(2),
    );
  });

  it("refuses a revoked key", async () => {
    const { call, admin, storage } = await setup();
    await storage.apiKeys.revoke("acme", admin.record.id);
    expect((await call("/whoami", `Bearer ${admin.key}`)).status).toBe(401);
  });

  it("refuses a key revoked after it was used (its digest is remembered, never its owner)", async () => {
    const { call, admin, storage } = await setup();
    expect((await call("/whoami", `Bearer ${admin.key}`)).status).toBe(200);
    await storage.apiKeys.revoke("acme", admin.record.id);
    expect((await call("/whoami", `Bearer ${admin.key}`)).status).toBe(401);
  });

  it("keeps telling the operator and tenant keys apart on repeated requests", async () => {
    const { call, admin } = await setup();
    for (let i = 0; i < 3; i++) {
      expect(await json(await call("/whoami", `Bearer ${OPERATOR}`))).toEqual({ kind: "operator" });
      expect(await json(await call("/whoami", `Bearer ${admin.key}`))).toMatchObject({
        kind: "tenant",
        tenant: "acme",
      });
    }
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
    expect((await call("/tenants/acme/things", `Bearer ${reader.key}`, "HEAD")).status).toBe(200);
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      const res = await call("/tenants/acme/things", `Bearer ${reader.key}`, method);
      expect(res.status, method).toBe(403);
      expect(await code(res)).toBe("FORBIDDEN");
    }
  });

  it("lets a deploy key write its tenant's resources but not manage keys", async () => {
    const { call, deployer, admin } = await setup();
    expect(await (await call("/tenants/acme/things", `Bearer ${deployer.key}`, "POST")).text()).toBe(
      "written",
    );
    for (const [method, path] of [
      ["GET", "/tenants/acme/keys"],
      ["POST", "/tenants/acme/keys"],
      ["DELETE", `/tenants/acme/keys/${admin.record.id}`],
    ] as const) {
      const res = await call(path, `Bearer ${deployer.key}`, method);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect((await json(res)).error.message).toContain("admin key");
    }
  });

  it("lets an admin key and the operator manage keys, and nobody in another tenant", async () => {
    const { call, admin, reader } = await setup();
    expect(await (await call("/tenants/acme/keys", `Bearer ${admin.key}`)).text()).toBe("key list");
    expect((await call("/tenants/acme/keys", `Bearer ${admin.key}`, "POST")).status).toBe(200);
    const revoke = `/tenants/acme/keys/${reader.record.id}`;
    expect((await call(revoke, `Bearer ${admin.key}`, "DELETE")).status).toBe(200);
    expect((await call("/tenants/other/keys", `Bearer ${OPERATOR}`, "POST")).status).toBe(200);
    const res = await call("/tenants/other/keys", `Bearer ${admin.key}`);
    expect(res.status).toBe(403);
    expect((await json(res)).error.message).toBe("this API key belongs to another tenant");
  });

  it("lets any key revoke itself, and only itself", async () => {
    const { call, reader, deployer } = await setup();
    for (const own of [reader, deployer]) {
      const res = await call(`/tenants/acme/keys/${own.record.id}`, `Bearer ${own.key}`, "DELETE");
      expect(await res.text()).toBe("key revoked");
    }
    const res = await call(`/tenants/acme/keys/${deployer.record.id}`, `Bearer ${reader.key}`, "DELETE");
    expect(res.status).toBe(403);
  });
});

describe("tenantAccessRefusal", () => {
  const key = (role: "admin" | "deploy" | "read", tenant = "acme"): Principal => ({
    kind: "tenant",
    tenant,
    key: {
      id: "k1",
      tenantId: 1,
      tenantName: tenant,
      role,
      prefix: "sk_abcdefgh",
      createdAt: 0,
      lastUsedAt: null,
      revokedAt: null,
    },
  });
  const refused = (principal: Principal, method: string, path: string) =>
    tenantAccessRefusal(principal, { tenant: "acme", method, path }) !== undefined;

  it("treats only the segment right below the tenant as the key area", () => {
    // A function named "tenants" with a path that ends in /keys is a function route, not key management.
    expect(refused(key("deploy"), "PUT", "/api/v1/tenants/acme/functions/tenants/x/keys")).toBe(false);
    expect(refused(key("deploy"), "GET", "/api/v1/tenants/acme/keys")).toBe(true);
    expect(refused(key("deploy"), "GET", "/api/v1/tenants/acme/keys/")).toBe(true);
    expect(refused(key("deploy"), "POST", "/api/v1/tenants/acme/keysmith")).toBe(false);
  });

  it("matches self-revocation exactly", () => {
    expect(refused(key("read"), "DELETE", "/api/v1/tenants/acme/keys/k1")).toBe(false);
    expect(refused(key("read"), "DELETE", "/api/v1/tenants/acme/keys/k1/")).toBe(false);
    expect(refused(key("read"), "GET", "/api/v1/tenants/acme/keys/k1")).toBe(true);
    expect(refused(key("read"), "DELETE", "/api/v1/tenants/acme/keys/k12")).toBe(true);
    expect(refused(key("read"), "DELETE", "/api/v1/tenants/acme/keys/k1/x")).toBe(true);
    expect(refused(key("read", "other"), "DELETE", "/api/v1/tenants/acme/keys/k1")).toBe(true);
  });

  it("lets the operator do anything", () => {
    expect(refused({ kind: "operator" }, "DELETE", "/api/v1/tenants/acme/keys/k9")).toBe(false);
  });
});
