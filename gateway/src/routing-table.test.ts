import { resolveFunctionConfig } from "@skiff/core";
import type { ActiveDeployment } from "@skiff/storage";
import { describe, expect, it } from "vitest";
import { RoutingTable, versionSpecOf } from "./routing-table.js";

function deployment(tenant: string, functionName: string, number: number): ActiveDeployment {
  return {
    tenant,
    functionName,
    version: {
      id: `${tenant}-${functionName}-${number}`,
      functionId: 1,
      number,
      codeHash: "a".repeat(64),
      codeSize: 10,
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

  it("turns a deployment into the runtime's version spec", () => {
    expect(versionSpecOf(deployment("a", "f", 4))).toEqual({
      id: "a-f-4",
      tenant: "a",
      functionName: "f",
      number: 4,
      codeHash: "a".repeat(64),
      config: resolveFunctionConfig({ memoryMb: 64 }),
    });
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
});
