import { sha256Hex } from "@skiff/core";
import { describe, expect, it } from "vitest";
import { startHarness } from "../testing/harness.js";

describe("POST /api/v1/tenants", () => {
  it("creates a tenant and shows its first API key once", async () => {
    const h = await startHarness();
    const reply = await h.api("POST", "/api/v1/tenants", { body: { name: "acme" } });
    expect(reply.status).toBe(201);
    expect(reply.json.tenant).toMatchObject({ name: "acme" });
    expect(reply.json.apiKey).toMatch(/^sk_/);
    // Only the hash is stored, and the key works on its tenant.
    expect(h.storage.keyRows.get(sha256Hex(reply.json.apiKey))?.tenantName).toBe("acme");
    const list = await h.api("GET", "/api/v1/tenants/acme/functions", { key: reply.json.apiKey });
    expect(list).toMatchObject({ status: 200, json: { functions: [] } });
  });

  it("answers 409 CONFLICT for a taken name", async () => {
    const h = await startHarness();
    const reply = await h.api("POST", "/api/v1/tenants", { body: { name: "default" } });
    expect(reply.status).toBe(409);
    expect(reply.json.error.code).toBe("CONFLICT");
  });

  it.each([
    ["../x", "INVALID_NAME"],
    ["A B", "INVALID_NAME"],
    ["a".repeat(300), "INVALID_NAME"],
    ["", "INVALID_NAME"],
    ["-x", "INVALID_NAME"],
  ])("refuses the name %j with 400 and stores nothing", async (name, code) => {
    const h = await startHarness();
    const reply = await h.api("POST", "/api/v1/tenants", { body: { name } });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe(code);
    expect(h.storage.tenantRows.size).toBe(1);
  });

  it.each([
    ["malformed JSON", '{"name": ', "INVALID_JSON"],
    ["an empty body", "", "INVALID_JSON"],
    ["an unknown field", { name: "acme", plan: "gold" }, "INVALID_REQUEST"],
    ["a missing name", {}, "INVALID_REQUEST"],
    ["a name that is not a string", { name: 7 }, "INVALID_REQUEST"],
    ["an array", ["acme"], "INVALID_REQUEST"],
  ])("answers 400 for %s and stores nothing", async (_, body, code) => {
    const h = await startHarness();
    const reply = await h.api("POST", "/api/v1/tenants", { body });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe(code);
    expect(h.storage.tenantRows.size).toBe(1);
  });

  it("is for the operator only", async () => {
    const h = await startHarness();
    const forbidden = await h.api("POST", "/api/v1/tenants", { key: h.key, body: { name: "acme" } });
    expect(forbidden.status).toBe(403);
    expect(forbidden.json.error.code).toBe("FORBIDDEN");
    const anonymous = await h.api("POST", "/api/v1/tenants", { key: null, body: { name: "acme" } });
    expect(anonymous.status).toBe(401);
    expect(h.storage.tenantRows.has("acme")).toBe(false);
  });

  it("is closed to everyone when no operator key is configured", async () => {
    const h = await startHarness({ adminToken: undefined });
    const reply = await h.api("POST", "/api/v1/tenants", { body: { name: "acme" } });
    expect(reply.status).toBe(401);
  });
});

describe("GET /api/v1/tenants", () => {
  it("lists tenants for the operator", async () => {
    const h = await startHarness();
    await h.api("POST", "/api/v1/tenants", { body: { name: "acme" } });
    const reply = await h.api("GET", "/api/v1/tenants");
    expect(reply.status).toBe(200);
    expect(reply.json.tenants.map((t: { name: string }) => t.name)).toEqual(["default", "acme"]);
  });

  it("refuses tenant keys", async () => {
    const h = await startHarness();
    expect((await h.api("GET", "/api/v1/tenants", { key: h.key })).status).toBe(403);
  });
});
