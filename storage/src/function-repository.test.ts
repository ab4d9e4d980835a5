import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveFunctionConfig } from "@skiff/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileBlobStore } from "./blob-store.js";
import { SqliteFunctionRepository } from "./function-repository.js";
import { SecretCipher } from "./secret-cipher.js";
import { SecretTable } from "./secret-table.js";
import { openStorage, type SqliteStorage } from "./sqlite-storage.js";
import { invocationRecord } from "./storage.case.js";
import type { BlobStore } from "./types.js";

const encoder = new TextEncoder();

describe("SqliteFunctionRepository", () => {
  let root: string;
  let storage: SqliteStorage;
  let t: number;
  const count = (table: string) => storage.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get();
  const secretTable = () => new SecretTable(storage.db, new SecretCipher(Buffer.alloc(32, 7)));

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "skiff-functions-"));
    t = 10_000;
    storage = await openStorage({ dataDir: root, now: () => t });
    await storage.tenants.create("acme");
  });

  afterEach(async () => {
    await storage.close();
    await rm(root, { recursive: true, force: true });
  });

  it("stores the config as JSON and stamps times from the clock", async () => {
    const config = resolveFunctionConfig({ memoryMb: 256, vars: { GREETING: "héllo" } });
    const { function: fn } = await storage.functions.deploy("acme", "hello", {
      code: encoder.encode("x"),
      config,
    });
    expect(
      storage.db
        .prepare(
          "SELECT json_extract(config, '$.memoryMb') AS memory, json_extract(config, '$.vars.GREETING') AS greeting FROM versions",
        )
        .get(),
    ).toEqual({ memory: 256, greeting: "héllo" });
    expect(fn).toMatchObject({ createdAt: 10_000, updatedAt: 10_000 });

    t = 20_000;
    await storage.functions.deploy("acme", "hello", { code: encoder.encode("y"), config });
    t = 30_000;
    const rolled = await storage.functions.activate("acme", "hello", 1);
    expect(rolled.function).toMatchObject({ activeVersion: 1, createdAt: 10_000, updatedAt: 30_000 });
    expect(rolled.version.createdAt).toBe(10_000);
  });

  it("refuses to change a stored version", async () => {
    await storage.functions.deploy("acme", "hello", {
      code: encoder.encode("x"),
      config: resolveFunctionConfig(),
    });
    expect(() => storage.db.prepare("UPDATE versions SET code_size = 0").run()).toThrow(
      /versions are immutable/,
    );
  });

  it("refuses to point a function at a version it does not have", async () => {
    const { function: fn } = await storage.functions.deploy("acme", "hello", {
      code: encoder.encode("x"),
      config: resolveFunctionConfig(),
    });
    expect(() =>
      storage.db.prepare("UPDATE functions SET active_version = 7 WHERE id = ?").run(fn.id),
    ).toThrow(/FOREIGN KEY/);
  });

  it("cascades a delete to versions and invocation records of that function only", async () => {
    const config = resolveFunctionConfig();
    await storage.functions.deploy("acme", "hello", { code: encoder.encode("1"), config });
    await storage.functions.deploy("acme", "hello", { code: encoder.encode("2"), config });
    await storage.functions.deploy("acme", "keep", { code: encoder.encode("k"), config });
    await storage.invocations.insertMany([
      invocationRecord(),
      invocationRecord(),
      invocationRecord({ functionName: "keep" }),
    ]);
    expect([count("functions"), count("versions"), count("invocations")]).toEqual([2, 3, 3]);

    await storage.functions.delete("acme", "hello");

    expect([count("functions"), count("versions"), count("invocations")]).toEqual([1, 1, 1]);
  });

  it("writes the blob before any row, and stores no row when the blob write fails", async () => {
    const events: string[] = [];
    const realBlobs = new FileBlobStore(join(root, "blobs"));
    const blobs: BlobStore = {
      put: async (bytes) => {
        events.push(`put, versions=${count("versions")}`);
        if (bytes.byteLength === 0) throw new Error("disk full");
        return realBlobs.put(bytes);
      },
      get: (sha) => realBlobs.get(sha),
      has: (sha) => realBlobs.has(sha),
    };
    const functions = new SqliteFunctionRepository(storage.db, blobs, secretTable(), () => t);
    const config = resolveFunctionConfig();

    await expect(functions.deploy("acme", "hello", { code: new Uint8Array(0), config })).rejects.toThrow(
      "disk full",
    );
    expect([count("functions"), count("versions")]).toEqual([0, 0]);

    await functions.deploy("acme", "hello", { code: encoder.encode("x"), config });
    expect(events).toEqual(["put, versions=0", "put, versions=0"]);
    expect(count("versions")).toBe(1);
  });

  it("creates the function and its version in one transaction: a failed version insert leaves no function", async () => {
    const badBlobs: BlobStore = {
      put: async (bytes) => ({ sha256: "not-a-sha256", size: bytes.byteLength }),
      get: async () => new Uint8Array(0),
      has: async () => true,
    };
    const functions = new SqliteFunctionRepository(storage.db, badBlobs, secretTable(), () => t);
    await expect(
      functions.deploy("acme", "hello", { code: encoder.encode("x"), config: resolveFunctionConfig() }),
    ).rejects.toThrow(/CHECK constraint/);
    expect([count("functions"), count("versions")]).toEqual([0, 0]);
    expect(storage.db.inTransaction).toBe(false);
  });

  it("serves listActive from a second storage opened on the same data dir", async () => {
    const { version } = await storage.functions.deploy("acme", "hello", {
      code: encoder.encode("x"),
      config: resolveFunctionConfig(),
    });
    const second = await openStorage({ dataDir: root });
    try {
      const deployed = await second.functions.deploy("acme", "hello", {
        code: encoder.encode("y"),
        config: resolveFunctionConfig(),
      });
      expect(deployed.version.number).toBe(2);
      expect((await storage.functions.listActive()).map((a) => a.version.id)).toEqual([deployed.version.id]);
      expect((await storage.functions.listVersions("acme", "hello"))[0]).toEqual(version);
    } finally {
      await second.close();
    }
  });
});
