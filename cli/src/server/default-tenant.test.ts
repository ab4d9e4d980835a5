import { mkdtemp, readFile, rm, stat, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256Hex } from "@skiff/core";
import { openStorage, type Storage } from "@skiff/storage";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureDefaultTenant } from "./default-tenant.js";

let dataDir: string;
let storage: Storage;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "skiff-default-"));
  storage = await openStorage({ dataDir });
});
afterEach(async () => {
  await storage.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("ensureDefaultTenant", () => {
  it("creates the tenant and a working key on first start, saved with mode 0600", async () => {
    const first = await ensureDefaultTenant(storage, dataDir);
    expect(first.createdTenant).toBe(true);
    expect(first.newKey).toMatch(/^sk_/);
    expect(first.keyFile).toBe(join(dataDir, "default.key"));
    expect((await readFile(first.keyFile, "utf8")).trim()).toBe(first.newKey);
    expect((await stat(first.keyFile)).mode & 0o777).toBe(0o600);

    const record = await storage.apiKeys.findByHash(sha256Hex(first.newKey ?? ""));
    expect(record).toMatchObject({ tenantName: "default", role: "admin" });
  });

  it("shows the key only once: later starts create nothing", async () => {
    const first = await ensureDefaultTenant(storage, dataDir);
    const second = await ensureDefaultTenant(storage, dataDir);
    expect(second).toEqual({ newKey: undefined, keyFile: first.keyFile, createdTenant: false });
    expect((await readFile(first.keyFile, "utf8")).trim()).toBe(first.newKey);
    expect((await storage.tenants.list()).map((t) => t.name)).toEqual(["default"]);
  });

  it("writes a new key when the key file was deleted", async () => {
    const first = await ensureDefaultTenant(storage, dataDir);
    await unlink(first.keyFile);
    const again = await ensureDefaultTenant(storage, dataDir);
    expect(again.createdTenant).toBe(false);
    expect(again.newKey).toMatch(/^sk_/);
    expect(again.newKey).not.toBe(first.newKey);
    expect((await readFile(again.keyFile, "utf8")).trim()).toBe(again.newKey);
  });
});
