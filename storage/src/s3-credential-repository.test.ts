import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newAccessKeyId, newSecretAccessKey } from "./s3-credential-repository.js";
import { openStorage, type SqliteStorage } from "./sqlite-storage.js";

const KEY_A = "a".repeat(64);
const KEY_B = "b".repeat(64);

describe("SqliteS3CredentialRepository", () => {
  let root: string;
  let storage: SqliteStorage;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "skiff-s3-credentials-"));
    storage = await openStorage({ dataDir: root, masterKey: KEY_A });
    await storage.tenants.create("acme");
  });

  afterEach(async () => {
    await storage.close();
    await rm(root, { recursive: true, force: true });
  });

  it("makes ids and secrets shaped like AWS's", () => {
    const ids = new Set(Array.from({ length: 50 }, newAccessKeyId));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^SKIFF[A-Z0-9]{16}$/);
    expect(newSecretAccessKey()).toMatch(/^[A-Za-z0-9+/]{40}$/);
  });

  it("keeps the secret only as ciphertext, in no file of the data dir", async () => {
    const { accessKeyId, secretAccessKey } = await storage.s3Credentials.create("acme", 1);
    const row = storage.db.prepare("SELECT * FROM s3_credentials").get() as Record<string, unknown>;
    expect(row.access_key_id).toBe(accessKeyId);
    expect(Object.values(row).some((value) => String(value).includes(secretAccessKey))).toBe(false);
    storage.db.pragma("wal_checkpoint(TRUNCATE)");
    for (const name of await readdir(root)) {
      const bytes = await readFile(join(root, name)).catch(() => Buffer.alloc(0));
      expect(bytes.includes(secretAccessKey), name).toBe(false);
    }
    expect((await storage.s3Credentials.resolve(accessKeyId))?.secretAccessKey).toBe(secretAccessKey);
  });

  it("refuses a ciphertext copied onto another key's row", async () => {
    const first = await storage.s3Credentials.create("acme", 1);
    const second = await storage.s3Credentials.create("acme", 2);
    storage.db
      .prepare(`UPDATE s3_credentials SET (ciphertext, iv, tag) =
        (SELECT ciphertext, iv, tag FROM s3_credentials WHERE access_key_id = ?) WHERE access_key_id = ?`)
      .run(first.accessKeyId, second.accessKeyId);
    await expect(storage.s3Credentials.resolve(second.accessKeyId)).rejects.toMatchObject({
      code: "INTERNAL_ERROR",
      message: expect.stringMatching(/integrity check/),
    });
    expect((await storage.s3Credentials.resolve(first.accessKeyId))?.secretAccessKey).toBe(
      first.secretAccessKey,
    );
  });

  it("says so when opened with another master key", async () => {
    const { accessKeyId } = await storage.s3Credentials.create("acme", 1);
    await storage.close();
    storage = await openStorage({ dataDir: root, masterKey: KEY_B });
    await expect(storage.s3Credentials.resolve(accessKeyId)).rejects.toMatchObject({
      code: "INTERNAL_ERROR",
      message: expect.stringMatching(/another master key/),
    });
  });

  it("goes with its tenant", async () => {
    const { accessKeyId } = await storage.s3Credentials.create("acme", 1);
    storage.db.prepare("DELETE FROM tenants WHERE name = 'acme'").run();
    expect(await storage.s3Credentials.resolve(accessKeyId)).toBeUndefined();
    expect(storage.db.prepare("SELECT count(*) AS n FROM s3_credentials").get()).toEqual({ n: 0 });
  });
});
