// The behaviour every Storage backend must show (SQLite now, PostgreSQL later): one suite, run by each backend.
import {
  type FunctionConfig,
  type InvocationRecord,
  newId,
  resolveFunctionConfig,
  sha256Hex,
} from "@skiff/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { describeObjectStorage } from "./objects.case.js";
import { describeQueueStorage } from "./queues.case.js";
import { describeSchedulerStorage, type ShareStorage } from "./scheduler-storage.case.js";
import { describeTenancyStorage } from "./tenancy.case.js";
import type { Storage } from "./types.js";
import { describeWebhookStorage } from "./webhooks.case.js";

const encoder = new TextEncoder();
const code = (source: string): Uint8Array => encoder.encode(source);
const config = (overrides: Partial<FunctionConfig> = {}): FunctionConfig => ({
  ...resolveFunctionConfig(),
  ...overrides,
});

/** An invocation record with sensible defaults; tests override what they look at. */
export function invocationRecord(overrides: Partial<InvocationRecord> = {}): InvocationRecord {
  return {
    id: newId(),
    tenant: "acme",
    functionName: "hello",
    version: 1,
    trigger: "http",
    startedAt: 1_000,
    outcome: "ok",
    status: 200,
    cold: false,
    cpuMs: 1.5,
    wallMs: 2.25,
    logs: [],
    droppedLogLines: 0,
    ...overrides,
  };
}

/**
 * Runs the storage conformance suite against a backend. `open` must give a fresh, empty storage each call;
 * the suite closes it after each test. `share`, if the backend can, opens a second storage on the data of the
 * one it is given (as a second process would), for the cases where two processes must not collide.
 */
export function runStorageConformance(
  name: string,
  open: () => Promise<Storage>,
  share?: ShareStorage,
): void {
  describe(`storage conformance: ${name}`, () => {
    let storage: Storage;

    beforeEach(async () => {
      storage = await open();
    });

    afterEach(async () => {
      await storage.close();
    });

    describe("tenants", () => {
      it("creates, gets and lists tenants sorted by name", async () => {
        const zeta = await storage.tenants.create("zeta");
        const acme = await storage.tenants.create("acme");
        expect(acme).toMatchObject({ name: "acme" });
        expect(typeof acme.createdAt).toBe("number");
        expect(acme.id).not.toBe(zeta.id);
        expect(await storage.tenants.get("acme")).toEqual(acme);
        expect(await storage.tenants.get("nobody")).toBeUndefined();
        expect(await storage.tenants.list()).toEqual([acme, zeta]);
      });

      it("refuses a name that is taken with CONFLICT and keeps the first", async () => {
        const first = await storage.tenants.create("acme");
        await expect(storage.tenants.create("acme")).rejects.toMatchObject({ code: "CONFLICT", status: 409 });
        expect(await storage.tenants.list()).toEqual([first]);
      });

      it("refuses an invalid name and stores nothing", async () => {
        for (const bad of ["../x", "A B", "a".repeat(300), "", "-a"]) {
          await expect(storage.tenants.create(bad)).rejects.toMatchObject({ code: "INVALID_NAME" });
        }
        expect(await storage.tenants.list()).toEqual([]);
      });

      it("creates a tenant with its first key in one step, and neither when the name is taken", async () => {
        const { tenant, key } = await storage.tenants.createWithKey("acme", "admin");
        expect(tenant.name).toBe("acme");
        expect(await storage.apiKeys.findByHash(sha256Hex(key))).toMatchObject({
          tenantName: "acme",
          role: "admin",
        });
        await expect(storage.tenants.createWithKey("acme", "admin")).rejects.toMatchObject({
          code: "CONFLICT",
        });
        expect(await storage.apiKeys.list("acme")).toHaveLength(1);
      });
    });

    describe("API keys", () => {
      beforeEach(async () => {
        await storage.tenants.create("acme");
      });

      it("returns the clear key once and finds it again only by its SHA-256", async () => {
        const { key, record } = await storage.apiKeys.create("acme", "admin");
        expect(key).toMatch(/^sk_[A-Za-z0-9_-]{40,}$/);
        expect(key.startsWith(record.prefix)).toBe(true);
        expect(record.prefix.length).toBeLessThan(16);
        expect(record).toMatchObject({
          tenantName: "acme",
          role: "admin",
          lastUsedAt: null,
          revokedAt: null,
        });

        expect(await storage.apiKeys.findByHash(sha256Hex(key))).toEqual(record);
        expect(await storage.apiKeys.findByHash(key)).toBeUndefined();
        expect(await storage.apiKeys.findByHash(sha256Hex(`${key}x`))).toBeUndefined();
      });

      it("gives every key its own value and id", async () => {
        const a = await storage.apiKeys.create("acme", "deploy");
        const b = await storage.apiKeys.create("acme", "read");
        expect(a.key).not.toBe(b.key);
        expect(a.record.id).not.toBe(b.record.id);
        expect((await storage.apiKeys.findByHash(sha256Hex(b.key)))?.role).toBe("read");
      });

      it("does not find a revoked key", async () => {
        const { key, record } = await storage.apiKeys.create("acme", "admin");
        const other = await storage.apiKeys.create("acme", "admin");
        await storage.apiKeys.revoke("acme", record.id);
        expect(await storage.apiKeys.findByHash(sha256Hex(key))).toBeUndefined();
        await storage.apiKeys.revoke("acme", record.id);
        expect(await storage.apiKeys.findByHash(sha256Hex(other.key))).toEqual(other.record);
        await expect(storage.apiKeys.revoke("acme", "no-such-key")).rejects.toMatchObject({
          code: "NOT_FOUND",
        });
      });

      it("revokes only within the key's own tenant", async () => {
        await storage.tenants.create("other");
        const { key, record } = await storage.apiKeys.create("acme", "admin");
        await expect(storage.apiKeys.revoke("other", record.id)).rejects.toMatchObject({
          code: "NOT_FOUND",
          status: 404,
        });
        await expect(storage.apiKeys.revoke("nobody", record.id)).rejects.toMatchObject({
          code: "TENANT_NOT_FOUND",
        });
        expect(await storage.apiKeys.findByHash(sha256Hex(key))).toEqual(record);
      });

      it("lists a tenant's keys newest first, revoked ones with their revocation time", async () => {
        await storage.tenants.create("other");
        const first = await storage.apiKeys.create("acme", "admin");
        const second = await storage.apiKeys.create("acme", "deploy");
        const third = await storage.apiKeys.create("acme", "read");
        await storage.apiKeys.create("other", "admin");
        await storage.apiKeys.revoke("acme", second.record.id);

        const listed = await storage.apiKeys.list("acme");
        expect(listed.map((k) => k.id)).toEqual([third.record.id, second.record.id, first.record.id]);
        expect(listed.map((k) => k.role)).toEqual(["read", "deploy", "admin"]);
        expect(listed[1]?.revokedAt).toEqual(expect.any(Number));
        expect(listed[0]).toEqual(third.record);
        expect(listed[2]).toEqual(first.record);
        // Nothing in a listed record could be used as the key.
        for (const record of listed) {
          expect(JSON.stringify(record)).not.toContain(third.key.slice(11));
          expect(JSON.stringify(record)).not.toContain(sha256Hex(third.key));
        }
        expect(await storage.apiKeys.list("other")).toHaveLength(1);
        await expect(storage.apiKeys.list("nobody")).rejects.toMatchObject({ code: "TENANT_NOT_FOUND" });
      });

      it("finds nothing for a value that is not a SHA-256 hex digest", async () => {
        const { key } = await storage.apiKeys.create("acme", "admin");
        const hash = sha256Hex(key);
        for (const bad of [hash.toUpperCase(), `${hash}0`, hash.slice(0, 63), "", `${hash.slice(0, 63)}g`]) {
          expect(await storage.apiKeys.findByHash(bad)).toBeUndefined();
        }
      });

      it("records when a key was last used", async () => {
        const { key, record } = await storage.apiKeys.create("acme", "admin");
        await storage.apiKeys.touch(record.id, 123_456);
        expect((await storage.apiKeys.findByHash(sha256Hex(key)))?.lastUsedAt).toBe(123_456);
      });

      it("refuses a key for an unknown tenant", async () => {
        await expect(storage.apiKeys.create("nobody", "admin")).rejects.toMatchObject({
          code: "TENANT_NOT_FOUND",
        });
      });
    });

    describe("functions", () => {
      beforeEach(async () => {
        await storage.tenants.create("acme");
        await storage.tenants.create("other");
      });

      it("deploys version 1, stores the code blob and makes it active", async () => {
        const source = code("export default { fetch() { return new Response('v1') } }");
        const cfg = config({ memoryMb: 64, vars: { GREETING: "hi" } });
        const { function: fn, version } = await storage.functions.deploy("acme", "hello", {
          code: source,
          config: cfg,
        });
        expect(fn).toMatchObject({ tenantName: "acme", name: "hello", activeVersion: 1 });
        expect(version).toMatchObject({
          functionId: fn.id,
          number: 1,
          codeHash: sha256Hex(source),
          codeSize: source.byteLength,
          config: cfg,
        });
        expect(version.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(await storage.blobs.get(version.codeHash)).toEqual(source);
        expect(await storage.functions.get("acme", "hello")).toEqual(fn);
        expect(await storage.functions.getVersion("acme", "hello", 1)).toEqual(version);
      });

      it("numbers versions 1, 2, 3 and activates the newest", async () => {
        for (const n of [1, 2, 3]) {
          await storage.functions.deploy("acme", "hello", { code: code(`v${n}`), config: config() });
        }
        const versions = await storage.functions.listVersions("acme", "hello");
        expect(versions.map((v) => v.number)).toEqual([1, 2, 3]);
        expect(new Set(versions.map((v) => v.id)).size).toBe(3);
        expect((await storage.functions.get("acme", "hello"))?.activeVersion).toBe(3);
        const active = await storage.functions.listActive();
        expect(active).toEqual([
          { tenant: "acme", functionName: "hello", version: versions[2], secrets: {} },
        ]);
      });

      it("rolls back by activating an older version, and refuses a missing one", async () => {
        const v1 = await storage.functions.deploy("acme", "hello", { code: code("v1"), config: config() });
        await storage.functions.deploy("acme", "hello", { code: code("v2"), config: config() });

        const rolled = await storage.functions.activate("acme", "hello", 1);
        expect(rolled.function.activeVersion).toBe(1);
        expect(rolled.version).toEqual(v1.version);
        expect((await storage.functions.listActive()).map((a) => a.version.id)).toEqual([v1.version.id]);

        await expect(storage.functions.activate("acme", "hello", 3)).rejects.toMatchObject({
          code: "VERSION_NOT_FOUND",
        });
        await expect(storage.functions.activate("acme", "nope", 1)).rejects.toMatchObject({
          code: "FUNCTION_NOT_FOUND",
        });
        expect((await storage.functions.get("acme", "hello"))?.activeVersion).toBe(1);
        // A deploy after a rollback still takes the next number, never reusing one.
        const v3 = await storage.functions.deploy("acme", "hello", { code: code("v3"), config: config() });
        expect(v3.version.number).toBe(3);
      });

      it("keeps tenants apart: same function name, own versions and lists", async () => {
        await storage.functions.deploy("acme", "hello", { code: code("a1"), config: config() });
        await storage.functions.deploy("acme", "hello", { code: code("a2"), config: config() });
        const other = await storage.functions.deploy("other", "hello", {
          code: code("o1"),
          config: config(),
        });
        expect(other.version.number).toBe(1);
        expect((await storage.functions.list("acme")).map((f) => [f.tenantName, f.name])).toEqual([
          ["acme", "hello"],
        ]);
        expect((await storage.functions.list("other")).map((f) => f.activeVersion)).toEqual([1]);
        expect(
          (await storage.functions.listActive()).map((a) => [a.tenant, a.functionName, a.version.number]),
        ).toEqual([
          ["acme", "hello", 2],
          ["other", "hello", 1],
        ]);
      });

      it("lists a tenant's functions sorted by name", async () => {
        for (const name of ["zed", "alpha", "mid"]) {
          await storage.functions.deploy("acme", name, { code: code(name), config: config() });
        }
        expect((await storage.functions.list("acme")).map((f) => f.name)).toEqual(["alpha", "mid", "zed"]);
      });

      it("refuses an unknown tenant or an invalid name and stores nothing", async () => {
        await expect(
          storage.functions.deploy("nobody", "hello", { code: code("x"), config: config() }),
        ).rejects.toMatchObject({ code: "TENANT_NOT_FOUND" });
        for (const bad of ["../x", "A B", "a".repeat(300)]) {
          await expect(
            storage.functions.deploy("acme", bad, { code: code("x"), config: config() }),
          ).rejects.toMatchObject({ code: "INVALID_NAME" });
        }
        await expect(storage.functions.list("nobody")).rejects.toMatchObject({ code: "TENANT_NOT_FOUND" });
        expect(await storage.functions.list("acme")).toEqual([]);
        expect(await storage.functions.listActive()).toEqual([]);
      });

      it("answers lookups of unknown functions and versions with undefined or FUNCTION_NOT_FOUND", async () => {
        await storage.functions.deploy("acme", "hello", { code: code("x"), config: config() });
        expect(await storage.functions.get("acme", "nope")).toBeUndefined();
        expect(await storage.functions.get("nobody", "hello")).toBeUndefined();
        expect(await storage.functions.getVersion("acme", "hello", 2)).toBeUndefined();
        expect(await storage.functions.getVersion("acme", "nope", 1)).toBeUndefined();
        await expect(storage.functions.listVersions("acme", "nope")).rejects.toMatchObject({
          code: "FUNCTION_NOT_FOUND",
        });
        await expect(storage.functions.delete("acme", "nope")).rejects.toMatchObject({
          code: "FUNCTION_NOT_FOUND",
        });
      });

      it("deletes a function with its versions and invocation records", async () => {
        await storage.functions.deploy("acme", "hello", { code: code("v1"), config: config() });
        await storage.functions.deploy("acme", "hello", { code: code("v2"), config: config() });
        await storage.functions.deploy("acme", "keep", { code: code("k"), config: config() });
        await storage.invocations.insertMany([
          invocationRecord({ functionName: "hello" }),
          invocationRecord({ functionName: "keep" }),
        ]);

        await storage.functions.delete("acme", "hello");

        expect(await storage.functions.get("acme", "hello")).toBeUndefined();
        expect(await storage.functions.getVersion("acme", "hello", 1)).toBeUndefined();
        await expect(storage.functions.listVersions("acme", "hello")).rejects.toMatchObject({
          code: "FUNCTION_NOT_FOUND",
        });
        await expect(storage.invocations.list("acme", "hello")).rejects.toMatchObject({
          code: "FUNCTION_NOT_FOUND",
        });
        expect((await storage.functions.listActive()).map((a) => a.functionName)).toEqual(["keep"]);
        expect(await storage.invocations.list("acme", "keep")).toHaveLength(1);
        await expect(storage.functions.delete("acme", "hello")).rejects.toMatchObject({
          code: "FUNCTION_NOT_FOUND",
        });
      });

      it("restarts numbering after delete and re-create, with new version ids and no old records", async () => {
        const old1 = await storage.functions.deploy("acme", "hello", {
          code: code("same"),
          config: config(),
        });
        await storage.functions.deploy("acme", "hello", { code: code("v2"), config: config() });
        await storage.invocations.insertMany([invocationRecord()]);
        await storage.functions.delete("acme", "hello");

        const new1 = await storage.functions.deploy("acme", "hello", {
          code: code("same"),
          config: config(),
        });
        expect(new1.version.number).toBe(1);
        expect(new1.version.id).not.toBe(old1.version.id);
        expect(new1.function.id).not.toBe(old1.function.id);
        expect(new1.version.codeHash).toBe(old1.version.codeHash);
        expect(await storage.blobs.get(new1.version.codeHash)).toEqual(code("same"));
        expect((await storage.functions.listVersions("acme", "hello")).map((v) => v.id)).toEqual([
          new1.version.id,
        ]);
        expect(await storage.invocations.list("acme", "hello")).toEqual([]);
      });

      it("gives concurrent deploys of one function distinct consecutive numbers", async () => {
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            storage.functions.deploy("acme", "hello", { code: code(`v${i}`), config: config() }),
          ),
        );
        const numbers = results.map((r) => r.version.number).sort((a, b) => a - b);
        expect(numbers).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
        expect(new Set(results.map((r) => r.version.id)).size).toBe(12);
        expect(new Set(results.map((r) => r.function.id)).size).toBe(1);
        expect((await storage.functions.get("acme", "hello"))?.activeVersion).toBe(12);
        expect(await storage.functions.list("acme")).toHaveLength(1);
      });
    });

    describe("code summary", () => {
      beforeEach(async () => {
        await storage.tenants.create("acme");
      });

      it("stores the main module and module list with the version", async () => {
        const summary = {
          main: "src/index.js",
          modules: [
            { path: "add.wasm", type: "wasm" as const, size: 8 },
            { path: "src/index.js", type: "esm" as const, size: 120 },
          ],
        };
        const { version } = await storage.functions.deploy("acme", "hello", {
          code: code("{}"),
          config: config(),
          summary,
        });
        expect(version).toMatchObject(summary);
        expect(await storage.functions.getVersion("acme", "hello", 1)).toMatchObject(summary);
        expect((await storage.functions.listActive())[0]?.version).toMatchObject(summary);
      });

      it("describes code deployed without a summary as one ES module, index.js", async () => {
        const source = code("export default {}");
        const { version } = await storage.functions.deploy("acme", "hello", {
          code: source,
          config: config(),
        });
        expect(version).toMatchObject({
          main: "index.js",
          modules: [{ path: "index.js", type: "esm", size: source.byteLength }],
        });
      });
    });

    describe("secrets", () => {
      beforeEach(async () => {
        await storage.tenants.create("acme");
        await storage.tenants.create("other");
        await storage.functions.deploy("acme", "hello", { code: code("h"), config: config() });
      });

      it("creates, replaces, lists and reveals secrets, never listing a value", async () => {
        const first = await storage.secrets.put("acme", "hello", "TOKEN", "t0k3n-value");
        expect(first.created).toBe(true);
        expect(first.secret).toEqual({
          name: "TOKEN",
          createdAt: expect.any(Number),
          updatedAt: expect.any(Number),
        });
        await storage.secrets.put("acme", "hello", "API_KEY", "k-value");
        const replaced = await storage.secrets.put("acme", "hello", "TOKEN", "new-t0k3n");
        expect(replaced.created).toBe(false);
        expect(replaced.secret.createdAt).toBe(first.secret.createdAt);
        expect(replaced.secret.updatedAt).toBeGreaterThanOrEqual(first.secret.updatedAt);

        const listed = await storage.secrets.list("acme", "hello");
        expect(listed.map((s) => s.name)).toEqual(["API_KEY", "TOKEN"]);
        expect(JSON.stringify(listed)).not.toMatch(/value|t0k3n/);
        expect(await storage.secrets.reveal("acme", "hello")).toEqual({
          API_KEY: "k-value",
          TOKEN: "new-t0k3n",
        });
      });

      it("keeps any string value exactly, empty and unicode included", async () => {
        const values = {
          EMPTY: "",
          UNICODE: "ünïcødé ✓ 🔑",
          NEWLINES: "a\nb\r\n",
          BIG: "x".repeat(5 * 1024),
        };
        for (const [name, value] of Object.entries(values))
          await storage.secrets.put("acme", "hello", name, value);
        expect(await storage.secrets.reveal("acme", "hello")).toEqual(values);
      });

      it("deletes a secret, and answers NOT_FOUND for one that does not exist", async () => {
        await storage.secrets.put("acme", "hello", "A", "1");
        await storage.secrets.put("acme", "hello", "B", "2");
        await storage.secrets.delete("acme", "hello", "A");
        expect(await storage.secrets.reveal("acme", "hello")).toEqual({ B: "2" });
        await expect(storage.secrets.delete("acme", "hello", "A")).rejects.toMatchObject({
          code: "NOT_FOUND",
        });
      });

      it("answers FUNCTION_NOT_FOUND and TENANT_NOT_FOUND for an unknown owner", async () => {
        for (const call of [
          () => storage.secrets.put("acme", "nope", "A", "1"),
          () => storage.secrets.list("acme", "nope"),
          () => storage.secrets.delete("acme", "nope", "A"),
          () => storage.secrets.reveal("acme", "nope"),
        ]) {
          await expect(call()).rejects.toMatchObject({ code: "FUNCTION_NOT_FOUND" });
        }
        await expect(storage.secrets.put("nobody", "hello", "A", "1")).rejects.toMatchObject({
          code: "TENANT_NOT_FOUND",
        });
        await expect(storage.secrets.list("nobody", "hello")).rejects.toMatchObject({
          code: "TENANT_NOT_FOUND",
        });
      });

      it("refuses bad names, values over 5 KB and a 129th secret, storing nothing", async () => {
        for (const bad of ["1A", "A-B", "", "__proto__", "A".repeat(129)]) {
          await expect(storage.secrets.put("acme", "hello", bad, "x")).rejects.toMatchObject({
            code: "INVALID_NAME",
          });
        }
        await expect(
          storage.secrets.put("acme", "hello", "BIG", "x".repeat(5 * 1024 + 1)),
        ).rejects.toMatchObject({ code: "INVALID_CONFIG" });
        expect(await storage.secrets.list("acme", "hello")).toEqual([]);

        for (let i = 0; i < 128; i++) await storage.secrets.put("acme", "hello", `S${i}`, "x");
        await expect(storage.secrets.put("acme", "hello", "ONE_MORE", "x")).rejects.toMatchObject({
          code: "INVALID_CONFIG",
        });
        // Replacing one of the 128 is not a new secret.
        expect((await storage.secrets.put("acme", "hello", "S0", "y")).created).toBe(false);
        expect(await storage.secrets.list("acme", "hello")).toHaveLength(128);
      });

      it("refuses a secret named like a var of the active version", async () => {
        await storage.functions.deploy("acme", "hello", {
          code: code("h2"),
          config: config({ vars: { MODE: "x" } }),
        });
        await expect(storage.secrets.put("acme", "hello", "MODE", "s")).rejects.toMatchObject({
          code: "INVALID_CONFIG",
        });
        expect(await storage.secrets.list("acme", "hello")).toEqual([]);
        // After a rollback to a version without that var, the name is free.
        await storage.functions.activate("acme", "hello", 1);
        expect((await storage.secrets.put("acme", "hello", "MODE", "s")).created).toBe(true);
      });

      it("keeps each function's secrets to itself", async () => {
        await storage.functions.deploy("acme", "second", { code: code("s"), config: config() });
        await storage.functions.deploy("other", "hello", { code: code("o"), config: config() });
        await storage.secrets.put("acme", "hello", "A", "acme-hello");
        await storage.secrets.put("acme", "second", "A", "acme-second");
        await storage.secrets.put("other", "hello", "A", "other-hello");
        expect(await storage.secrets.reveal("acme", "hello")).toEqual({ A: "acme-hello" });
        expect(await storage.secrets.reveal("acme", "second")).toEqual({ A: "acme-second" });
        expect(await storage.secrets.reveal("other", "hello")).toEqual({ A: "other-hello" });
        await storage.secrets.delete("acme", "second", "A");
        expect(await storage.secrets.reveal("acme", "hello")).toEqual({ A: "acme-hello" });
      });

      it("gives listActive each function's decrypted secrets", async () => {
        await storage.functions.deploy("acme", "bare", { code: code("b"), config: config() });
        await storage.secrets.put("acme", "hello", "TOKEN", "t");
        const active = await storage.functions.listActive();
        expect(active.map((a) => [a.functionName, a.secrets])).toEqual([
          ["bare", {}],
          ["hello", { TOKEN: "t" }],
        ]);
      });

      it("stores a deploy's secrets with its version, creating the function if needed", async () => {
        const { version } = await storage.functions.deploy("acme", "fresh", {
          code: code("f"),
          config: config({ vars: { MODE: "prod" } }),
          secrets: { TOKEN: "t1", KEY: "k1" },
        });
        expect(version.number).toBe(1);
        expect(await storage.secrets.reveal("acme", "fresh")).toEqual({ TOKEN: "t1", KEY: "k1" });
        // A later deploy replaces the ones it names and keeps the others.
        await storage.functions.deploy("acme", "fresh", {
          code: code("f2"),
          config: config(),
          secrets: { TOKEN: "t2" },
        });
        expect(await storage.secrets.reveal("acme", "fresh")).toEqual({ TOKEN: "t2", KEY: "k1" });
        const active = (await storage.functions.listActive()).find((a) => a.functionName === "fresh");
        expect(active?.secrets).toEqual({ TOKEN: "t2", KEY: "k1" });
      });

      it("refuses a deploy whose vars clash with its own or stored secrets, storing nothing", async () => {
        await expect(
          storage.functions.deploy("acme", "fresh", {
            code: code("f"),
            config: config({ vars: { TOKEN: "plain" } }),
            secrets: { TOKEN: "t" },
          }),
        ).rejects.toMatchObject({ code: "INVALID_CONFIG" });
        expect(await storage.functions.get("acme", "fresh")).toBeUndefined();

        await storage.secrets.put("acme", "hello", "TOKEN", "t");
        await expect(
          storage.functions.deploy("acme", "hello", {
            code: code("h2"),
            config: config({ vars: { TOKEN: "x" } }),
          }),
        ).rejects.toMatchObject({ code: "INVALID_CONFIG" });
        expect((await storage.functions.listVersions("acme", "hello")).map((v) => v.number)).toEqual([1]);
        expect(await storage.secrets.reveal("acme", "hello")).toEqual({ TOKEN: "t" });
      });

      it("refuses a deploy with a bad secret, storing nothing", async () => {
        for (const [secrets, errorCode] of [
          [{ "BAD-NAME": "x" }, "INVALID_NAME"],
          [{ BIG: "x".repeat(5 * 1024 + 1) }, "INVALID_CONFIG"],
        ] as const) {
          await expect(
            storage.functions.deploy("acme", "hello", { code: code("h2"), config: config(), secrets }),
          ).rejects.toMatchObject({ code: errorCode });
        }
        expect((await storage.functions.listVersions("acme", "hello")).map((v) => v.number)).toEqual([1]);
        expect(await storage.secrets.list("acme", "hello")).toEqual([]);
      });

      it("deletes a function's secrets with it", async () => {
        await storage.secrets.put("acme", "hello", "TOKEN", "t");
        await storage.functions.delete("acme", "hello");
        await storage.functions.deploy("acme", "hello", { code: code("again"), config: config() });
        expect(await storage.secrets.list("acme", "hello")).toEqual([]);
        expect(await storage.secrets.reveal("acme", "hello")).toEqual({});
      });
    });

    describe("blobs", () => {
      it("stores bytes under their SHA-256 and reads them back", async () => {
        const bytes = code("some code");
        const put = await storage.blobs.put(bytes);
        expect(put).toEqual({ sha256: sha256Hex(bytes), size: bytes.byteLength });
        expect(await storage.blobs.has(put.sha256)).toBe(true);
        expect(await storage.blobs.get(put.sha256)).toEqual(bytes);
        expect(await storage.blobs.put(bytes)).toEqual(put);
        expect(await storage.blobs.get(put.sha256)).toEqual(bytes);
      });

      it("stores an empty blob and binary bytes unchanged", async () => {
        const binary = Uint8Array.from({ length: 256 }, (_, i) => i);
        for (const bytes of [new Uint8Array(0), binary]) {
          const { sha256 } = await storage.blobs.put(bytes);
          expect(await storage.blobs.get(sha256)).toEqual(bytes);
        }
      });

      it("answers NOT_FOUND for an absent or malformed hash", async () => {
        const absent = sha256Hex("never stored");
        expect(await storage.blobs.has(absent)).toBe(false);
        await expect(storage.blobs.get(absent)).rejects.toMatchObject({ code: "NOT_FOUND" });
        for (const bad of ["../skiff.db", "", "zz", absent.toUpperCase()]) {
          expect(await storage.blobs.has(bad)).toBe(false);
          await expect(storage.blobs.get(bad)).rejects.toMatchObject({ code: "NOT_FOUND" });
        }
      });
    });

    describe("invocations", () => {
      beforeEach(async () => {
        await storage.tenants.create("acme");
        await storage.functions.deploy("acme", "hello", { code: code("h"), config: config() });
        await storage.functions.deploy("acme", "other", { code: code("o"), config: config() });
      });

      it("round-trips every field, with logs and error", async () => {
        const failed = invocationRecord({
          outcome: "exception",
          status: 500,
          cold: true,
          error: { name: "TypeError", message: "x is not a function", stack: "at fetch (line 3)", line: 3 },
          logs: [
            { level: "log", message: "hello", ts: 1_001 },
            { level: "error", message: "ünïcode ✓", ts: 1_002 },
          ],
          droppedLogLines: 7,
        });
        const ok = invocationRecord({ startedAt: 2_000 });
        await storage.invocations.insertMany([failed, ok]);
        const listed = await storage.invocations.list("acme", "hello");
        expect(listed).toEqual([ok, failed]);
        expect("error" in (listed[0] ?? {})).toBe(false);
      });

      it("lists newest first, ties in insertion order, per function", async () => {
        const a = invocationRecord({ startedAt: 5 });
        const b = invocationRecord({ startedAt: 9 });
        const c = invocationRecord({ startedAt: 9 });
        const elsewhere = invocationRecord({ functionName: "other", startedAt: 10 });
        await storage.invocations.insertMany([a, b]);
        await storage.invocations.insertMany([c, elsewhere]);
        expect((await storage.invocations.list("acme", "hello")).map((r) => r.id)).toEqual([
          c.id,
          b.id,
          a.id,
        ]);
        expect((await storage.invocations.list("acme", "other")).map((r) => r.id)).toEqual([elsewhere.id]);
      });

      it("limits lists: default 50, at most 1000, at least 1", async () => {
        await storage.invocations.insertMany(
          Array.from({ length: 1005 }, (_, i) => invocationRecord({ startedAt: i })),
        );
        const byDefault = await storage.invocations.list("acme", "hello");
        expect(byDefault).toHaveLength(50);
        expect(byDefault[0]?.startedAt).toBe(1004);
        expect(await storage.invocations.list("acme", "hello", { limit: 3 })).toHaveLength(3);
        expect(await storage.invocations.list("acme", "hello", { limit: 5000 })).toHaveLength(1000);
        expect(await storage.invocations.list("acme", "hello", { limit: 0 })).toHaveLength(1);
        expect(await storage.invocations.list("acme", "hello", { limit: Number.NaN })).toHaveLength(50);
      });

      it("prunes to the newest records of each function", async () => {
        await storage.invocations.insertMany([
          ...Array.from({ length: 5 }, (_, i) => invocationRecord({ startedAt: i })),
          ...Array.from({ length: 2 }, (_, i) => invocationRecord({ functionName: "other", startedAt: i })),
        ]);
        expect(await storage.invocations.prune(3)).toBe(2);
        expect((await storage.invocations.list("acme", "hello")).map((r) => r.startedAt)).toEqual([4, 3, 2]);
        expect(await storage.invocations.list("acme", "other")).toHaveLength(2);
        expect(await storage.invocations.prune(3)).toBe(0);
        expect(await storage.invocations.prune(0)).toBe(5);
        expect(await storage.invocations.list("acme", "hello")).toEqual([]);
        await expect(storage.invocations.prune(-1)).rejects.toMatchObject({ code: "INVALID_REQUEST" });
      });

      it("ignores a record already stored and drops records of a function that no longer exists", async () => {
        const record = invocationRecord();
        await storage.invocations.insertMany([record]);
        await storage.invocations.insertMany([
          { ...record, status: 418 },
          invocationRecord({ functionName: "deleted-meanwhile" }),
          invocationRecord({ tenant: "nobody" }),
        ]);
        await storage.invocations.insertMany([]);
        expect(await storage.invocations.list("acme", "hello")).toEqual([record]);
      });

      it("refuses to list an unknown tenant or function", async () => {
        await expect(storage.invocations.list("nobody", "hello")).rejects.toMatchObject({
          code: "TENANT_NOT_FOUND",
        });
        await expect(storage.invocations.list("acme", "nope")).rejects.toMatchObject({
          code: "FUNCTION_NOT_FOUND",
        });
      });
    });

    describe("scheduler", () => {
      describeSchedulerStorage(() => storage, share);
    });

    describe("buckets, objects, KV and S3 credentials", () => {
      describeObjectStorage(() => storage);
    });

    describe("webhooks", () => {
      describeWebhookStorage(() => storage);
    });

    describe("tenancy: quotas, stored bytes, quarantines", () => {
      describeTenancyStorage(() => storage);
    });

    describe("queues and topics", () => {
      describeQueueStorage(() => storage, share);
    });
  });
}
