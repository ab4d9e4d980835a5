import { resolveFunctionConfig } from "@skiff/core";
import type { ActiveDeployment } from "@skiff/storage";
import { describe, expect, it } from "vitest";
import { RoutingTable, versionSpecOf } from "./routing-table.js";

function deployment(
  tenant: string,
  functionName: string,
  number: number,
  secrets: Record<string, string> = {},
): ActiveDeployment {
  return {
    tenant,
    functionName,
    secrets,
    version: {
      id: `${tenant}-${functionName}-${number}`,
      functionId: 1,
      number,
      codeHash: "a".repeat(64),
      codeSize: 10,
      main: "index.js",
      modules: [{ path: "index.js", type: "esm", size: 10 }],
      config: resolveFunctionConfig({ memoryMb: 64 }),
      createdAt: 0,
    },
  };
}

describe("RoutingTable", () => {
  it("is built from the active deployments", () => {
    const routes = new RoutingTable([
      deployment("a", "f", 1),
      deployment("a", "g", 2),
      deployment("b", "f", 3),
    ]);
    expect(routes.size).toBe(3);
    expect(routes.get("a", "g")?.id).toBe("a-g-2");
    expect(routes.get("b", "f")?.number).toBe(3);
    expect(routes.get("b", "g")).toBeUndefined();
    expect(routes.get("c", "f")).toBeUndefined();
  });

  it("turns a deployment into the runtime's version spec, secrets included", () => {
    expect(versionSpecOf(deployment("a", "f", 4, { TOKEN: "t" }))).toEqual({
      id: "a-f-4",
      tenant: "a",
      functionName: "f",
      number: 4,
      codeHash: "a".repeat(64),
      config: resolveFunctionConfig({ memoryMb: 64 }),
      secrets: { TOKEN: "t" },
    });
  });

  it("replaces a routed function's secrets at once, without touching the spec an invocation holds", () => {
    const routes = new RoutingTable([
      deployment("a", "f", 1, { A: "1" }),
      deployment("a", "g", 1, { A: "g" }),
    ]);
    const held = routes.get("a", "f");
    const updated = routes.setSecrets("a", "f", { A: "2", B: "3" });
    expect(updated).toMatchObject({ id: "a-f-1", number: 1, secrets: { A: "2", B: "3" } });
    expect(routes.get("a", "f")?.secrets).toEqual({ A: "2", B: "3" });
    expect(held?.secrets).toEqual({ A: "1" });
    expect(routes.get("a", "g")?.secrets).toEqual({ A: "g" });
    expect(routes.setSecrets("a", "nope", { A: "x" })).toBeUndefined();
    expect(routes.setSecrets("b", "f", { A: "x" })).toBeUndefined();
    expect(routes.get("a", "nope")).toBeUndefined();
  });

  it("replaces a function's version and returns the one it replaced", () => {
    const routes = new RoutingTable([deployment("a", "f", 1)]);
    expect(routes.set(deployment("a", "f", 2))?.id).toBe("a-f-1");
    expect(routes.get("a", "f")?.number).toBe(2);
    expect(routes.set(deployment("a", "new", 1))).toBeUndefined();
    expect(routes.size).toBe(2);
  });

  it("deletes a function and forgets empty tenants", () => {
    const routes = new RoutingTable([deployment("a", "f", 1), deployment("a", "g", 1)]);
    expect(routes.delete("a", "f")?.id).toBe("a-f-1");
    expect(routes.delete("a", "f")).toBeUndefined();
    expect(routes.get("a", "f")).toBeUndefined();
    expect(routes.get("a", "g")?.id).toBe("a-g-1");
    routes.delete("a", "g");
    expect(routes.size).toBe(0);
    expect([...routes.entries()]).toEqual([]);
  });

  it("replaces every route at once", () => {
    const routes = new RoutingTable([deployment("a", "f", 1)]);
    routes.replaceAll([deployment("b", "g", 7)]);
    expect(routes.get("a", "f")).toBeUndefined();
    expect([...routes.entries()].map((v) => v.id)).toEqual(["b-g-7"]);
  });

  it("is followed once every listener that follows elsewhere has applied every change so far", async () => {
    const routes = new RoutingTable();
    await routes.followed();
    const applied: Array<() => void> = [];
    const seen: string[] = [];
    routes.onChange((tenant, name) => {
      seen.push(`${tenant}/${name}`);
    });
    routes.onChange(() => new Promise<void>((resolve) => applied.push(resolve)));
    routes.set(deployment("a", "f", 1));
    routes.delete("a", "f");
    expect(seen).toEqual(["a/f", "a/f"]);
    let followed = false;
    const waiting = routes.followed().then(() => {
      followed = true;
    });
    // The later change's promise settles only once the earlier one is applied too (RouteListener).
    applied[1]?.();
    await waiting;
    expect(followed).toBe(true);
    // A listener that fails is its own to report: waiting for it does not fail.
    routes.onChange(() => Promise.reject(new Error("worker gone")));
    routes.set(deployment("a", "g", 1));
    applied[2]?.();
    await expect(routes.followed()).resolves.toBeUndefined();
  });
});
