// The tenancy part of the storage conformance suite (quotas, stored bytes, quarantines), run by
// `runStorageConformance` for every backend.
import { DEFAULT_QUOTAS, resolveFunctionConfig } from "@skiff/core";
import { beforeEach, describe, expect, it } from "vitest";
import type { FunctionQuarantine, Storage } from "./types.js";

const T = 1_700_000_000_000;
const encoder = new TextEncoder();

async function deploy(storage: Storage, tenant: string, name: string) {
  return storage.functions.deploy(tenant, name, {
    code: encoder.encode(`${tenant}/${name}`),
    config: resolveFunctionConfig(),
  });
}

const crash = (versionId: string, crashes = 3): FunctionQuarantine => ({
  versionId,
  since: T,
  crashes,
  reason: "crashed its runtime worker 3 times within 5 minutes",
});

/** Registers the tenancy cases. `current` answers the storage the enclosing suite opened for this test. */
export function describeTenancyStorage(current: () => Storage): void {
  let storage: Storage;

  beforeEach(async () => {
    storage = current();
    await storage.tenants.create("acme");
    await storage.tenants.create("other");
  });

  describe("quotas", () => {
    it("gives a tenant DEFAULT_QUOTAS until the operator sets some", async () => {
      expect(await storage.tenantQuotas.get("acme")).toEqual(DEFAULT_QUOTAS);
      expect(await storage.tenantQuotas.all()).toEqual(new Map());
      await expect(storage.tenantQuotas.get("nobody")).rejects.toMatchObject({ code: "TENANT_NOT_FOUND" });
    });

    it("changes only the fields of a patch, keeps them across patches, and lists the tenants that have any", async () => {
      const first = await storage.tenantQuotas.set("acme", { requestsPerSecond: 5, burst: 10 });
      expect(first).toEqual({ ...DEFAULT_QUOTAS, requestsPerSecond: 5, burst: 10 });
      const second = await storage.tenantQuotas.set("acme", {
        maxFunctions: null,
        maxStoredBytes: 0,
        allowCodeGeneration: false,
      });
      const expected = {
        ...DEFAULT_QUOTAS,
        requestsPerSecond: 5,
        burst: 10,
        maxFunctions: null,
        maxStoredBytes: 0,
        allowCodeGeneration: false,
      };
      expect(second).toEqual(expected);
      expect(await storage.tenantQuotas.get("acme")).toEqual(expected);
      expect(await storage.tenantQuotas.get("other")).toEqual(DEFAULT_QUOTAS);
      expect(await storage.tenantQuotas.all()).toEqual(new Map([["acme", expected]]));
    });

    it("refuses unknown fields and out-of-range values naming the field, and stores nothing", async () => {
      const bad: Array<[Record<string, unknown>, string]> = [
        [{ requestsPerSecnd: 5 }, "requestsPerSecnd"],
        [{ maxFunctions: -1 }, "maxFunctions"],
        [{ maxStoredBytes: 1.5 }, "maxStoredBytes"],
        [{ requestsPerSecond: "10" }, "requestsPerSecond"],
        [{ asyncEventsPerMinute: Number.MAX_SAFE_INTEGER + 1 }, "asyncEventsPerMinute"],
        [{ burst: 0 }, "burst"],
        [{ allowCodeGeneration: null }, "allowCodeGeneration"],
        [{ maxFunctions: 3, maxConcurrentInvocations: true }, "maxConcurrentInvocations"],
      ];
      for (const [patch, field] of bad) {
        const error = await storage.tenantQuotas.set("acme", patch).catch((e: unknown) => e);
        expect(error, field).toMatchObject({ code: "INVALID_REQUEST", details: { field } });
        expect((error as Error).message).toContain(field);
      }
      expect(await storage.tenantQuotas.get("acme")).toEqual(DEFAULT_QUOTAS);
      await expect(storage.tenantQuotas.set("nobody", { burst: 2 })).rejects.toMatchObject({
        code: "TENANT_NOT_FOUND",
      });
    });
  });

  describe("maxFunctions", () => {
    it("refuses a NEW function past the quota with QUOTA_EXCEEDED, while redeploys always work", async () => {
      await storage.tenantQuotas.set("acme", { maxFunctions: 2 });
      await deploy(storage, "acme", "a");
      await deploy(storage, "acme", "b");
      const refused = await deploy(storage, "acme", "c").catch((e: unknown) => e);
      expect(refused).toMatchObject({
        code: "QUOTA_EXCEEDED",
        status: 403,
        details: { quota: "maxFunctions", limit: 2 },
      });
      expect((refused as Error).message).toContain("maxFunctions");
      expect((await deploy(storage, "acme", "a")).version.number).toBe(2);
      expect((await storage.functions.list("acme")).map((f) => f.name)).toEqual(["a", "b"]);
      // Another tenant has its own count.
      await deploy(storage, "other", "c");
      await storage.functions.delete("acme", "b");
      expect((await deploy(storage, "acme", "c")).version.number).toBe(1);
    });

    it("counts against DEFAULT_QUOTAS for a tenant never set, and allows any number when null", async () => {
      await storage.tenantQuotas.set("acme", { maxFunctions: 0 });
      await expect(deploy(storage, "acme", "a")).rejects.toMatchObject({ code: "QUOTA_EXCEEDED" });
      await storage.tenantQuotas.set("acme", { maxFunctions: null });
      await deploy(storage, "acme", "a");
      expect(DEFAULT_QUOTAS.maxFunctions).toBeGreaterThan(0);
      await deploy(storage, "other", "a");
    });
  });

  describe("stored bytes", () => {
    it("counts the tenant's object sizes and KV values, and nothing of other tenants", async () => {
      expect(await storage.usage.storedBytes("acme")).toBe(0);
      await storage.buckets.create("acme", "uploads", T);
      await storage.buckets.create("acme", "more", T);
      await storage.buckets.create("other", "uploads", T);
      const put = (tenant: string, bucket: string, key: string, size: number) =>
        storage.objects.put(
          tenant,
          bucket,
          key,
          { body: new Uint8Array(size), maxBytes: 1 << 20 },
          { now: T, action: "PutObject" },
        );
      await put("acme", "uploads", "a", 1000);
      await put("acme", "more", "b", 24);
      await put("other", "uploads", "a", 5000);
      expect(await storage.usage.storedBytes("acme")).toBe(1024);
      await put("acme", "uploads", "a", 10);
      expect(await storage.usage.storedBytes("acme")).toBe(34);

      await storage.kv.createNamespace("acme", "cache", T);
      await storage.kv.put("acme", "cache", "k", new Uint8Array(300), {}, T);
      await storage.kv.createNamespace("other", "cache", T);
      await storage.kv.put("other", "cache", "k", new Uint8Array(900), {}, T);
      expect(await storage.usage.storedBytes("acme")).toBe(334);
      expect(await storage.usage.storedBytes("other")).toBe(5900);

      await storage.objects.delete("acme", "uploads", "a", { now: T, action: "DeleteObject" });
      await storage.kv.delete("acme", "cache", "k");
      expect(await storage.usage.storedBytes("acme")).toBe(24);
      await expect(storage.usage.storedBytes("nobody")).rejects.toMatchObject({ code: "TENANT_NOT_FOUND" });
    });
  });

  describe("quarantines", () => {
    it("records a quarantine on the function, lists it, and clears it on request", async () => {
      const { version } = await deploy(storage, "acme", "crashy");
      await deploy(storage, "acme", "fine");
      expect((await storage.functions.get("acme", "crashy"))?.quarantine).toBeNull();
      expect(await storage.functions.setQuarantine("acme", "crashy", crash(version.id))).toBe(true);
      expect((await storage.functions.get("acme", "crashy"))?.quarantine).toEqual(crash(version.id));
      expect((await storage.functions.list("acme")).map((f) => [f.name, f.quarantine?.crashes])).toEqual([
        ["crashy", 3],
        ["fine", undefined],
      ]);
      const record = { tenant: "acme", functionName: "crashy", ...crash(version.id) };
      expect(await storage.functions.listQuarantined("acme")).toEqual([record]);
      expect(await storage.functions.listQuarantined("other")).toEqual([]);
      expect(await storage.functions.listQuarantined()).toEqual([record]);
      // A second report replaces the first.
      expect(await storage.functions.setQuarantine("acme", "crashy", crash(version.id, 4))).toBe(true);
      expect((await storage.functions.listQuarantined()).map((q) => q.crashes)).toEqual([4]);

      expect(await storage.functions.setQuarantine("acme", "crashy", null)).toBe(true);
      expect(await storage.functions.setQuarantine("acme", "crashy", null)).toBe(false);
      expect((await storage.functions.get("acme", "crashy"))?.quarantine).toBeNull();
      expect(await storage.functions.listQuarantined()).toEqual([]);
    });

    it("is lifted by a deploy and by a rollback, in the same transaction as the version change", async () => {
      const v1 = (await deploy(storage, "acme", "crashy")).version;
      await storage.functions.setQuarantine("acme", "crashy", crash(v1.id));
      const v2 = (await deploy(storage, "acme", "crashy")).version;
      expect((await storage.functions.get("acme", "crashy"))?.quarantine).toBeNull();
      await storage.functions.setQuarantine("acme", "crashy", crash(v2.id));
      const rolled = await storage.functions.activate("acme", "crashy", 1);
      expect(rolled.function.quarantine).toBeNull();
      expect(await storage.functions.listQuarantined()).toEqual([]);
    });

    it("is not stored for a version that is no longer active (a deploy came first)", async () => {
      const v1 = (await deploy(storage, "acme", "crashy")).version;
      await deploy(storage, "acme", "crashy");
      expect(await storage.functions.setQuarantine("acme", "crashy", crash(v1.id))).toBe(false);
      expect(await storage.functions.setQuarantine("acme", "crashy", crash("no-such-version"))).toBe(false);
      expect(await storage.functions.listQuarantined()).toEqual([]);
    });

    it("goes with its function, and answers not-found errors for unknown owners", async () => {
      const { version } = await deploy(storage, "acme", "crashy");
      await storage.functions.setQuarantine("acme", "crashy", crash(version.id));
      await storage.functions.delete("acme", "crashy");
      expect(await storage.functions.listQuarantined()).toEqual([]);
      await expect(storage.functions.setQuarantine("acme", "crashy", null)).rejects.toMatchObject({
        code: "FUNCTION_NOT_FOUND",
      });
      await expect(storage.functions.setQuarantine("nobody", "crashy", null)).rejects.toMatchObject({
        code: "TENANT_NOT_FOUND",
      });
      await expect(storage.functions.listQuarantined("nobody")).rejects.toMatchObject({
        code: "TENANT_NOT_FOUND",
      });
    });
  });
}
