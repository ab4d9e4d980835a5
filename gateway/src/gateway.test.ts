import { resolveFunctionConfig } from "@skiff/core";
import { describe, expect, it } from "vitest";
import { createGateway } from "./gateway.js";
import { FakeRuntime } from "./testing/fake-runtime.js";
import { FakeStorage } from "./testing/fake-storage.js";
import { startHarness } from "./testing/harness.js";
import { json } from "./testing/json.js";

describe("createGateway", () => {
  it("loads the routing table from the active deployments in storage", async () => {
    const h = await startHarness({
      seed: async (storage) => {
        const code = new TextEncoder().encode("export default {}");
        await storage.functions.deploy("default", "old", { code, config: resolveFunctionConfig() });
        await storage.functions.deploy("default", "old", { code, config: resolveFunctionConfig() });
        await storage.functions.activate("default", "old", 1);
      },
    });
    expect(h.gateway.routes.size).toBe(1);
    expect(h.gateway.routes.get("default", "old")?.number).toBe(1);
    expect(await (await h.gateway.app.request("/fn/default/old")).text()).toMatch(/^old v1 /);
  });

  it("answers /healthz without a key", async () => {
    const h = await startHarness();
    const res = await h.gateway.app.request("/healthz");
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ status: "ok" });
  });

  it("answers an unknown route with 404 NOT_FOUND JSON", async () => {
    const h = await startHarness();
    const res = await h.gateway.app.request("/nope");
    expect(res.status).toBe(404);
    expect((await json(res)).error.code).toBe("NOT_FOUND");
  });

  it("answers a storage failure with 500 INTERNAL_ERROR, without its message", async () => {
    const h = await startHarness();
    h.storage.tenants.list = () => Promise.reject(new Error("SQLITE_IOERR: /data/skiff.db"));
    const reply = await h.api("GET", "/api/v1/tenants");
    expect(reply.status).toBe(500);
    expect(reply.json).toEqual({ error: { code: "INTERNAL_ERROR", message: "internal error" } });
  });

  it("keeps answering when invocation records can not be written", async () => {
    const h = await startHarness();
    await h.deploy("hello");
    h.storage.failInserts = true;
    expect((await h.gateway.app.request("/fn/default/hello")).status).toBe(200);
    await h.gateway.flush();
    expect((await h.gateway.app.request("/fn/default/hello")).status).toBe(200);
    expect(h.storage.invocationRows).toEqual([]);
  });

  it("writes buffered records on close, and leaves storage and runtime open", async () => {
    const storage = new FakeStorage();
    const runtime = new FakeRuntime();
    await storage.tenants.create("t");
    await storage.functions.deploy("t", "f", { code: new Uint8Array([1]), config: resolveFunctionConfig() });
    const gateway = await createGateway({ storage, runtime });
    await gateway.app.request("/fn/t/f");
    expect(storage.invocationRows).toHaveLength(0);
    await gateway.close();
    expect(storage.invocationRows).toHaveLength(1);
    expect(storage.invocationRows[0]?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(storage.closed).toBe(false);
    expect(runtime.closed).toBe(false);
  });
});
