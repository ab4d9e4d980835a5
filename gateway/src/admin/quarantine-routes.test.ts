// Quarantines through the whole gateway over real SQLite: recorded from the runtime's event, shown, listed,
// lifted by the operator, a deploy or a rollback, and restored into the runtime after a restart.
import type { QuarantineInfo } from "@skiff/runtime";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGateway } from "../gateway.js";
import { FakeRuntime } from "../testing/fake-runtime.js";
import { SQLITE_OPERATOR_KEY, type SqliteHarness, startSqliteHarness } from "../testing/sqlite-harness.js";

let h: SqliteHarness;

beforeEach(async () => {
  h = await startSqliteHarness();
  await h.deploy("crashy");
  await h.deploy("fine");
});

afterEach(async () => {
  await h.close();
});

/** What the supervisor does on the third crash: quarantine in the runtime, then tell the composition root. */
async function crash(name = "crashy"): Promise<QuarantineInfo> {
  const version = h.gateway.routes.get("acme", name);
  if (version === undefined) throw new Error(`${name} is not routed`);
  const info: QuarantineInfo = {
    tenant: "acme",
    functionName: name,
    versionId: version.id,
    since: h.clock.now,
    crashes: 3,
    reason: "crashed its runtime worker 3 times within 5 minutes",
  };
  h.runtime.quarantine(info);
  await h.gateway.quarantined(info);
  return info;
}

const stored = (info: QuarantineInfo) => ({
  versionId: info.versionId,
  since: info.since,
  crashes: info.crashes,
  reason: info.reason,
});

describe("quarantine", () => {
  it("is stored from the runtime's event, shown on the function, listed, and answered 503 on the data plane", async () => {
    const info = await crash();
    const fn = await h.call("GET", "/api/v1/tenants/acme/functions/crashy", { key: h.acmeKey });
    expect(fn.json.function.quarantine).toEqual(stored(info));
    expect((await h.call("GET", "/api/v1/tenants/acme/functions/fine")).json.function.quarantine).toBeNull();
    const list = await h.call("GET", "/api/v1/tenants/acme/quarantines", { key: h.acmeReadKey });
    expect(list.status).toBe(200);
    expect(list.json).toEqual({ quarantines: [{ tenant: "acme", functionName: "crashy", ...stored(info) }] });
    expect((await h.call("GET", "/api/v1/tenants/other/quarantines")).json).toEqual({ quarantines: [] });
    expect((await h.call("GET", "/api/v1/tenants/acme/quarantines", { key: h.otherKey })).status).toBe(403);

    const refused = await h.call("GET", "/fn/acme/crashy/");
    expect(refused.status).toBe(503);
    expect(refused.json).toEqual({
      error: { code: "FUNCTION_QUARANTINED", message: expect.stringContaining("crashy") },
    });
    expect((await h.call("GET", "/fn/acme/fine/")).status).toBe(200);
  });

  it("is lifted by the operator only, in storage and in the runtime", async () => {
    await crash();
    for (const key of [h.acmeKey, h.acmeReadKey, h.otherKey]) {
      const denied = await h.call("DELETE", "/api/v1/tenants/acme/functions/crashy/quarantine", { key });
      expect(denied.status).toBe(403);
    }
    expect(h.runtime.quarantined()).toHaveLength(1);
    const lifted = await h.call("DELETE", "/api/v1/tenants/acme/functions/crashy/quarantine");
    expect(lifted.status).toBe(200);
    expect(lifted.json).toEqual({ lifted: true, tenant: "acme", name: "crashy" });
    expect(h.runtime.quarantined()).toEqual([]);
    expect(await h.storage.functions.listQuarantined()).toEqual([]);
    expect((await h.call("GET", "/fn/acme/crashy/")).status).toBe(200);
    const again = await h.call("DELETE", "/api/v1/tenants/acme/functions/crashy/quarantine");
    expect(again.json).toEqual({ lifted: false, tenant: "acme", name: "crashy" });
    const missing = await h.call("DELETE", "/api/v1/tenants/acme/functions/nope/quarantine");
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe("FUNCTION_NOT_FOUND");
  });

  it("is lifted by a deploy and by a rollback, in storage and in the runtime", async () => {
    await crash();
    await h.deploy("crashy");
    expect(h.runtime.quarantined()).toEqual([]);
    expect((await h.storage.functions.get("acme", "crashy"))?.quarantine).toBeNull();
    expect((await h.call("GET", "/fn/acme/crashy/")).status).toBe(200);

    await crash();
    const rollback = await h.call("POST", "/api/v1/tenants/acme/functions/crashy/rollback", {
      body: { version: 1 },
    });
    expect(rollback.status).toBe(200);
    expect(rollback.json.function.quarantine).toBeNull();
    expect(h.runtime.quarantined()).toEqual([]);
    expect(await h.storage.functions.listQuarantined()).toEqual([]);
  });

  it("is dropped when a deploy replaced the crashed version before the event was handled", async () => {
    const old = h.gateway.routes.get("acme", "crashy");
    await h.deploy("crashy");
    const late: QuarantineInfo = {
      tenant: "acme",
      functionName: "crashy",
      versionId: old?.id ?? "",
      since: h.clock.now,
      crashes: 3,
      reason: "late",
    };
    h.runtime.quarantine(late);
    await h.gateway.quarantined(late);
    expect(await h.storage.functions.listQuarantined()).toEqual([]);
    expect(h.runtime.quarantined()).toEqual([]);
    // A function deleted meanwhile: nothing to store, nothing thrown.
    await h.gateway.quarantined({ ...late, functionName: "gone" });
  });

  it("survives a restart: a new gateway restores stored quarantines into its runtime", async () => {
    const info = await crash();
    const runtime = new FakeRuntime();
    const restarted = await createGateway({ storage: h.storage, runtime, adminToken: SQLITE_OPERATOR_KEY });
    try {
      expect(runtime.quarantined()).toEqual([{ tenant: "acme", functionName: "crashy", ...stored(info) }]);
      const refused = await restarted.app.request("/fn/acme/crashy/");
      expect(refused.status).toBe(503);
      const body = (await refused.json()) as { error: { code: string } };
      expect(body.error.code).toBe("FUNCTION_QUARANTINED");
    } finally {
      await restarted.close();
    }
  });
});
