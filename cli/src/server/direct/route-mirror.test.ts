import { resolveFunctionConfig } from "@skiff/core";
import type { VersionSpec } from "@skiff/runtime";
import { describe, expect, it } from "vitest";
import { RouteMirror } from "./route-mirror.js";

const spec = (tenant: string, functionName: string, number: number): VersionSpec => ({
  id: `${tenant}-${functionName}-${number}`,
  tenant,
  functionName,
  number,
  codeHash: "hash",
  config: resolveFunctionConfig(),
  secrets: {},
});

describe("RouteMirror", () => {
  it("starts from a snapshot and follows each change: a new version, a deletion", () => {
    const routes = new RouteMirror([spec("acme", "hello", 1), spec("beta", "hello", 3)]);
    expect(routes.get("acme", "hello")?.number).toBe(1);
    expect(routes.get("beta", "hello")?.number).toBe(3);
    expect(routes.get("acme", "other")).toBeUndefined();

    routes.set("acme", "hello", spec("acme", "hello", 2));
    expect(routes.get("acme", "hello")?.number).toBe(2);
    routes.set("acme", "hello", null);
    expect(routes.get("acme", "hello")).toBeUndefined();
    expect(routes.get("beta", "hello")?.number).toBe(3);
    // Deleting what is not routed changes nothing.
    routes.set("nobody", "x", null);
    expect(routes.get("nobody", "x")).toBeUndefined();
  });
});
