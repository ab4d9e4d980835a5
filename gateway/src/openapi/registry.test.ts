// The registry can not drift from the routes: every route the Hono app serves under /api/v1 is described, every
// description has its route, and who may call each one is what the auth middleware really enforces.
import type { ApiKeyRecord } from "@skiff/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireOperator, tenantAccessRefusal } from "../auth.js";
import { type Harness, startHarness } from "../testing/harness.js";
import { findOperation, honoPathOf } from "./operation-paths.js";
import type { OperationSpec, TenantRole } from "./operation-spec.js";
import { ADMIN_OPERATIONS } from "./registry.js";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.gateway.close();
});

/** Hono's route list under /api/v1: handlers by "METHOD path", middleware (`use`, method ALL) left out. */
function servedRoutes(): Map<string, unknown[]> {
  const routes = new Map<string, unknown[]>();
  for (const route of harness.gateway.app.routes) {
    if (route.method === "ALL" || !route.path.startsWith("/api/v1/")) continue;
    const key = `${route.method} ${route.path}`;
    routes.set(key, [...(routes.get(key) ?? []), route.handler]);
  }
  return routes;
}

const describedKey = (spec: OperationSpec) => `${spec.method.toUpperCase()} ${honoPathOf(spec)}`;

/** A concrete path for an operation: its parameters filled with plausible values. */
function concretePath(spec: OperationSpec, values: Record<string, string> = {}): string {
  return spec.path.replace(
    /\{([^}]+)\}/g,
    (_, name: string) => values[name] ?? (name === "tenant" ? "default" : `x-${name}`),
  );
}

function keyOf(role: TenantRole, id = "caller-key"): ApiKeyRecord {
  return {
    id,
    tenantId: 1,
    tenantName: "default",
    role,
    prefix: "sk_",
    createdAt: 0,
    lastUsedAt: null,
    revokedAt: null,
  };
}

const ROLES: TenantRole[] = ["read", "deploy", "admin"];

describe("the operation registry against the app's routes", () => {
  it("describes every route served under /api/v1", () => {
    const described = new Set(ADMIN_OPERATIONS.map(describedKey));
    const undescribed = [...servedRoutes().keys()].filter((key) => !described.has(key));
    // A route listed here needs an entry in gateway/src/openapi/operations/*.ts.
    expect(undescribed).toEqual([]);
  });

  it("describes no route that the app does not serve", () => {
    const served = servedRoutes();
    const stale = ADMIN_OPERATIONS.map(describedKey).filter((key) => !served.has(key));
    expect(stale).toEqual([]);
  });

  it("finds each operation back from a request to it", () => {
    for (const spec of ADMIN_OPERATIONS) {
      const found = findOperation(ADMIN_OPERATIONS, spec.method, concretePath(spec, { key: "a/b.txt" }));
      expect(found?.operationId, `${spec.method} ${spec.path}`).toBe(spec.operationId);
    }
  });

  it("marks as operator-only exactly the routes guarded by requireOperator", () => {
    const served = servedRoutes();
    const mismatched = ADMIN_OPERATIONS.filter((spec) => {
      const guarded = served.get(describedKey(spec))?.includes(requireOperator) ?? false;
      return guarded !== (spec.auth === "operator");
    }).map(describedKey);
    expect(mismatched).toEqual([]);
  });

  it("lets a tenant key of the stated role through, and refuses the role below", () => {
    for (const spec of ADMIN_OPERATIONS) {
      if (typeof spec.auth !== "object") continue;
      const request = { tenant: "default", method: spec.method.toUpperCase(), path: concretePath(spec) };
      const rank = ROLES.indexOf(spec.auth.tenant);
      for (const [i, role] of ROLES.entries()) {
        const refusal = tenantAccessRefusal({ kind: "tenant", tenant: "default", key: keyOf(role) }, request);
        expect(refusal === undefined, `${role} key on ${describedKey(spec)}`).toBe(i >= rank);
      }
    }
  });

  it("answers 401 without a key except for the public operations", async () => {
    for (const spec of ADMIN_OPERATIONS) {
      const reply = await harness.gateway.app.request(concretePath(spec), {
        method: spec.method.toUpperCase(),
      });
      await reply.body?.cancel();
      if (spec.auth === "public") expect(reply.status, describedKey(spec)).toBe(200);
      else expect(reply.status, describedKey(spec)).toBe(401);
    }
  });

  it("has a summary, a tag and at least one answer for each operation", () => {
    for (const spec of ADMIN_OPERATIONS) {
      expect(spec.summary.length, spec.operationId).toBeGreaterThan(3);
      expect(spec.tags.length, spec.operationId).toBeGreaterThan(0);
      expect(Object.keys(spec.responses).length, spec.operationId).toBeGreaterThan(0);
    }
  });
});
