import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveFunctionConfig } from "@skiff/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStorage, type SqliteStorage } from "./sqlite-storage.js";

describe("SqliteWebhookRepository", () => {
  let root: string;
  let storage: SqliteStorage;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "skiff-webhooks-"));
    storage = await openStorage({ dataDir: root });
    await storage.tenants.create("acme");
    await storage.functions.deploy("acme", "hello", {
      code: new TextEncoder().encode("export default {}"),
      config: resolveFunctionConfig(),
    });
  });

  afterEach(async () => {
    await storage.close();
    await rm(root, { recursive: true, force: true });
  });

  it("never writes the clear secret to any file in the data dir", async () => {
    const secret = "whsec_c2VjcmV0LXRoYXQtbXVzdC1uZXZlci1sZWFr";
    await storage.webhooks.create("acme", "hello", { provider: "standard", secret, mode: "async" }, 1);
    await storage.close();
    const files = (await readdir(root)).filter((name) => name.startsWith("skiff.db"));
    expect(files).toContain("skiff.db");
    for (const name of files) {
      const bytes = await readFile(join(root, name));
      expect(bytes.includes(secret)).toBe(false);
      expect(bytes.includes(secret.slice(6))).toBe(false);
    }
  });

  it("opens a sealed secret only on its own row", async () => {
    const a = await storage.webhooks.create(
      "acme",
      "hello",
      { provider: "github", secret: "A", mode: "async" },
      1,
    );
    const b = await storage.webhooks.create(
      "acme",
      "hello",
      { provider: "github", secret: "B", mode: "async" },
      2,
    );
    // Copy a's ciphertext onto b's row: b must fail its integrity check rather than answer a's secret.
    storage.db
      .prepare(`
        UPDATE webhook_endpoints SET (ciphertext, iv, tag) =
          (SELECT ciphertext, iv, tag FROM webhook_endpoints WHERE id = ?)
        WHERE id = ?`)
      .run(a.id, b.id);
    expect((await storage.webhooks.resolve(a.id))?.secret).toBe("A");
    await expect(storage.webhooks.resolve(b.id)).rejects.toMatchObject({ code: "INTERNAL_ERROR" });
  });

  it("finds duplicates through the partial index", () => {
    const plan = storage.db
      .prepare(`
        EXPLAIN QUERY PLAN SELECT id FROM webhook_deliveries d
        WHERE d.endpoint_id = ? AND d.provider_delivery_id = ? AND d.received_at > ?
          AND d.verification = 'verified' AND d.provider_delivery_id IS NOT NULL`)
      .all("e", "p", 0) as Array<{ detail: string }>;
    expect(plan.map((row) => row.detail).join("\n")).toContain("webhook_deliveries_by_provider_id");
  });
});
