import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SkiffError } from "@skiff/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStorage, type SqliteStorage } from "./sqlite-storage.js";

describe("SqliteTenantRepository", () => {
  let root: string;
  let storage: SqliteStorage;
  let t: number;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "skiff-tenants-"));
    t = 1_700_000_000_000;
    storage = await openStorage({ dataDir: root, now: () => t });
  });

  afterEach(async () => {
    await storage.close();
    await rm(root, { recursive: true, force: true });
  });

  it("stores the name and the clock's time", async () => {
    const tenant = await storage.tenants.create("acme");
    expect(tenant).toEqual({ id: expect.any(Number), name: "acme", createdAt: 1_700_000_000_000 });
    expect(storage.db.prepare("SELECT id, name, created_at FROM tenants").all()).toEqual([
      { id: tenant.id, name: "acme", created_at: 1_700_000_000_000 },
    ]);
  });

  it("answers a taken name with a SkiffError CONFLICT (409), not a driver error", async () => {
    await storage.tenants.create("acme");
    t += 1;
    const error = await storage.tenants.create("acme").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SkiffError);
    expect(error).toMatchObject({ code: "CONFLICT", status: 409, message: 'tenant "acme" already exists' });
    expect(storage.db.prepare("SELECT count(*) FROM tenants").pluck().get()).toBe(1);
  });

  it("treats names as case-sensitive exact strings in lookups", async () => {
    await storage.tenants.create("acme");
    expect(await storage.tenants.get("ACME")).toBeUndefined();
    expect(await storage.tenants.get("acme ")).toBeUndefined();
  });
});
