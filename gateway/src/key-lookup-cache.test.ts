import { Hono } from "hono";
import { describe, expect, it, vi } from "vitest";
import { type AuthEnv, bearerAuth } from "./auth.js";
import { createErrorHandler } from "./error-handler.js";
import { KEY_CACHE_TTL_MS, KeyLookupCache } from "./key-lookup-cache.js";
import { FakeStorage } from "./testing/fake-storage.js";
import { captureLogger } from "./testing/logger.js";

async function setup() {
  const storage = new FakeStorage(() => 5);
  await storage.tenants.create("acme");
  const { key, record } = await storage.apiKeys.create("acme", "admin");
  const clock = { now: 1_000 };
  const cache = new KeyLookupCache({ now: () => clock.now, maxKeys: 2 });
  const lookups = vi.spyOn(storage.apiKeys, "findByHash");
  const { logger } = captureLogger();
  const app = new Hono<AuthEnv>();
  app.onError(createErrorHandler(logger));
  app.use("*", bearerAuth({ apiKeys: storage.apiKeys, now: () => clock.now, logger, cache }));
  app.get("/whoami", (c) => c.json(c.get("principal")));
  const call = (presented = key) =>
    app.request("/whoami", { headers: { authorization: `Bearer ${presented}` } });
  return { storage, key, record, clock, cache, lookups, call };
}

describe("KeyLookupCache", () => {
  it("answers a key found lately from memory, and asks storage again once the entry is old", async () => {
    const { clock, lookups, call } = await setup();
    expect((await call()).status).toBe(200);
    expect((await call()).status).toBe(200);
    expect(lookups).toHaveBeenCalledTimes(1);
    clock.now += KEY_CACHE_TTL_MS;
    expect((await call()).status).toBe(200);
    expect(lookups).toHaveBeenCalledTimes(2);
  });

  it("refuses a revoked key at once when the revocation is forgotten here", async () => {
    const { storage, record, cache, call } = await setup();
    expect((await call()).status).toBe(200);
    await storage.apiKeys.revoke("acme", record.id);
    cache.forget(record.id);
    expect((await call()).status).toBe(401);
  });

  it("never remembers an unknown key, and keeps at most maxKeys", async () => {
    const { storage, lookups, call } = await setup();
    expect((await call("sk_unknown")).status).toBe(401);
    expect((await call("sk_unknown")).status).toBe(401);
    expect(lookups).toHaveBeenCalledTimes(2);
    const second = await storage.apiKeys.create("acme", "read");
    const third = await storage.apiKeys.create("acme", "read");
    lookups.mockClear();
    // Three keys through a cache of two: the first one is dropped and looked up again.
    for (const presented of [undefined, second.key, third.key, undefined]) await call(presented);
    expect(lookups).toHaveBeenCalledTimes(4);
  });
});
