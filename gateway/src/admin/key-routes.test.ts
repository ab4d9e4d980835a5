import { sha256Hex } from "@skiff/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type SqliteHarness, startSqliteHarness } from "../testing/sqlite-harness.js";

const KEYS = "/api/v1/tenants/acme/keys";

describe("API key routes (real SQLite)", () => {
  let h: SqliteHarness;

  beforeEach(async () => {
    h = await startSqliteHarness();
  });

  afterEach(async () => {
    await h.close();
  });

  it("creates a key of each role, shows it once, and the key works with that role", async () => {
    for (const role of ["admin", "deploy", "read"] as const) {
      const made = await h.call("POST", KEYS, { key: h.acmeKey, body: { role } });
      expect(made.status).toBe(201);
      expect(made.json.key).toMatch(/^sk_[A-Za-z0-9_-]{40,}$/);
      expect(made.json.apiKey).toEqual({
        id: expect.any(String),
        tenant: "acme",
        role,
        prefix: made.json.key.slice(0, 11),
        createdAt: h.clock.now,
        lastUsedAt: null,
        revokedAt: null,
      });
      // It authenticates as that key of that tenant.
      const found = await h.storage.apiKeys.findByHash(sha256Hex(made.json.key));
      expect(found).toMatchObject({ id: made.json.apiKey.id, tenantName: "acme", role });
    }
    const keys = (await h.call("GET", KEYS, { key: h.acmeKey })).json.keys;
    expect(keys.map((k: { role: string }) => k.role).slice(0, 3)).toEqual(["read", "deploy", "admin"]);
  });

  it("never shows a key or its hash in the list, and lists revoked keys with their time", async () => {
    const made = await h.call("POST", KEYS, { body: { role: "deploy" } });
    h.clock.now += 5_000;
    expect((await h.call("DELETE", `${KEYS}/${made.json.apiKey.id}`)).status).toBe(204);
    const list = await h.call("GET", KEYS);
    expect(list.status).toBe(200);
    const text = new TextDecoder().decode(list.bytes);
    expect(text).not.toContain(made.json.key.slice(11));
    expect(text).not.toContain(sha256Hex(made.json.key));
    const revoked = list.json.keys.find((k: { id: string }) => k.id === made.json.apiKey.id);
    expect(revoked).toEqual({ ...made.json.apiKey, revokedAt: h.clock.now });
    // The harness's three keys (two of acme) and the new one: acme's only, newest first.
    expect(list.json.keys).toHaveLength(3);
    expect(list.json.keys[0].id).toBe(made.json.apiKey.id);
    expect(list.json.keys.every((k: { tenant: string }) => k.tenant === "acme")).toBe(true);
  });

  it("revokes: the key stops working at once, and revoking again answers 204", async () => {
    const made = await h.call("POST", KEYS, { body: { role: "admin" } });
    const key: string = made.json.key;
    expect((await h.call("GET", "/api/v1/tenants/acme/functions", { key })).status).toBe(200);
    expect((await h.call("DELETE", `${KEYS}/${made.json.apiKey.id}`, { key: h.acmeKey })).status).toBe(204);
    const refused = await h.call("GET", "/api/v1/tenants/acme/functions", { key });
    expect(refused.status).toBe(401);
    expect(refused.json.error.code).toBe("UNAUTHORIZED");
    const again = await h.call("DELETE", `${KEYS}/${made.json.apiKey.id}`, { key: h.acmeKey });
    expect(again.status).toBe(204);
    expect(again.bytes.byteLength).toBe(0);
  });

  it("lets a key revoke itself, whatever its role", async () => {
    for (const role of ["read", "deploy"] as const) {
      const made = await h.call("POST", KEYS, { body: { role } });
      const own = `${KEYS}/${made.json.apiKey.id}`;
      expect((await h.call("DELETE", own, { key: made.json.key })).status).toBe(204);
      expect((await h.call("GET", "/api/v1/tenants/acme/functions", { key: made.json.key })).status).toBe(
        401,
      );
    }
  });

  it("lets only the operator and the tenant's admin keys manage keys", async () => {
    const { key: deployKey } = await h.storage.apiKeys.create("acme", "deploy");
    const victim = (await h.call("POST", KEYS, { body: { role: "read" } })).json.apiKey.id;
    for (const key of [deployKey, h.acmeReadKey]) {
      for (const [method, path, body] of [
        ["GET", KEYS, undefined],
        ["POST", KEYS, { role: "admin" }],
        ["DELETE", `${KEYS}/${victim}`, undefined],
      ] as const) {
        const reply = await h.call(method, path, { key, body });
        expect(reply.status, `${method} ${path}`).toBe(403);
        expect(reply.json.error.code).toBe("FORBIDDEN");
      }
    }
    // A deploy key can still deploy: only key management is closed to it.
    const deployed = await h.call("PUT", "/api/v1/tenants/acme/functions/hello", {
      key: deployKey,
      body: { code: "export default {}" },
    });
    expect(deployed.status).toBe(201);
    expect((await h.storage.apiKeys.list("acme")).find((k) => k.id === victim)?.revokedAt).toBeNull();
  });

  it("answers 403 to another tenant's admin key, and 404 to the operator for another tenant's key", async () => {
    const acmeKeyId = (await h.call("POST", KEYS, { body: { role: "read" } })).json.apiKey.id;
    for (const [method, body] of [
      ["GET", undefined],
      ["POST", { role: "admin" }],
    ] as const) {
      const reply = await h.call(method, KEYS, { key: h.otherKey, body });
      expect(reply.status, method).toBe(403);
    }
    expect((await h.call("DELETE", `${KEYS}/${acmeKeyId}`, { key: h.otherKey })).status).toBe(403);
    const crossed = await h.call("DELETE", `/api/v1/tenants/other/keys/${acmeKeyId}`, { key: h.otherKey });
    expect(crossed.status).toBe(404);
    expect(crossed.json.error.code).toBe("NOT_FOUND");
    const viaOperator = await h.call("DELETE", `/api/v1/tenants/other/keys/${acmeKeyId}`);
    expect(viaOperator.status).toBe(404);
    expect((await h.storage.apiKeys.list("acme")).find((k) => k.id === acmeKeyId)?.revokedAt).toBeNull();
    expect((await h.call("GET", "/api/v1/tenants/nobody/keys")).json.error.code).toBe("TENANT_NOT_FOUND");
  });

  it("refuses a bad body with a 4xx and creates nothing", async () => {
    const before = (await h.storage.apiKeys.list("acme")).length;
    for (const [body, code] of [
      [{ role: "owner" }, "INVALID_REQUEST"],
      [{}, "INVALID_REQUEST"],
      [{ role: "admin", extra: 1 }, "INVALID_REQUEST"],
      ["not json", "INVALID_JSON"],
      ["", "INVALID_JSON"],
    ] as const) {
      const reply = await h.call("POST", KEYS, { body });
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.json.error.code).toBe(code);
    }
    const huge = await h.call("POST", KEYS, { body: { role: "admin", pad: "x".repeat(10_000) } });
    expect(huge.status).toBe(413);
    expect(await h.storage.apiKeys.list("acme")).toHaveLength(before);
  });

  it("answers 404 for an unknown or hostile key id", async () => {
    for (const id of ["no-such-key", "x'); DROP TABLE api_keys; --", "a".repeat(2_000), "%2e%2e"]) {
      const reply = await h.call("DELETE", `${KEYS}/${encodeURIComponent(id)}`);
      expect(reply.status, id).toBe(404);
    }
    expect((await h.storage.apiKeys.list("acme")).length).toBeGreaterThan(0);
    expect(h.storage.db.pragma("integrity_check", { simple: true })).toBe("ok");
  });
});
