import {
  type InvocationEvent,
  type InvocationRecord,
  type InvocationResult,
  resolveFunctionConfig,
  type ServiceBinding,
  SkiffError,
} from "@skiff/core";
import type { BindingCall, InvokeOptions, VersionSpec } from "@skiff/runtime";
import { describe, expect, it } from "vitest";
import { type ServiceBindingDeps, serveServiceBinding } from "./service-binding.js";

const AUTH: ServiceBinding = { type: "service", name: "AUTH", function: "auth" };

function versionOf(tenant: string, functionName: string): VersionSpec {
  return {
    id: `${tenant}-${functionName}-v1`,
    tenant,
    functionName,
    number: 1,
    codeHash: "hash",
    config: { ...resolveFunctionConfig(), bindings: [AUTH] },
  };
}

const CALLER = versionOf("acme", "front");
const TARGET = versionOf("acme", "auth");

function callOf(overrides: Partial<BindingCall> = {}): BindingCall {
  return {
    version: CALLER,
    binding: AUTH,
    op: "fetch",
    args: {
      url: "https://auth/check?x=1",
      method: "POST",
      headers: [["x-token", "t"]],
      body: new Uint8Array([1]),
    },
    invocationId: "caller-1",
    ...overrides,
  };
}

function okResult(status = 201): InvocationResult {
  return {
    invocationId: "ignored",
    outcome: "ok",
    response: {
      status,
      statusText: "Created",
      headers: [
        ["x-from", "auth"],
        ["connection", "close"],
      ],
      body: new TextEncoder().encode("welcome"),
    },
    cold: true,
    cpuMs: 1,
    wallMs: 2,
    logs: [],
    droppedLogLines: 0,
  };
}

/** A routing table with `auth` in tenant acme, a runtime answering `answer`, and what each received. */
function harness(answer: () => InvocationResult | Promise<InvocationResult> = () => okResult()) {
  const invoked: Array<{ version: VersionSpec; event: InvocationEvent; options: InvokeOptions | undefined }> =
    [];
  const records: InvocationRecord[] = [];
  const lookups: string[] = [];
  let ids = 0;
  const deps: ServiceBindingDeps = {
    resolve: (tenant, name) => {
      lookups.push(`${tenant}/${name}`);
      return tenant === "acme" && name === "auth" ? TARGET : undefined;
    },
    runtime: {
      invoke: async (version, event, options) => {
        invoked.push({ version, event, options });
        return answer();
      },
    },
    record: (record) => records.push(record),
    now: () => 1000,
    newId: () => `id-${++ids}`,
    maxResponseBytes: 1024,
  };
  return { deps, invoked, records, lookups };
}

async function rejection(promise: Promise<unknown>): Promise<SkiffError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof SkiffError)) throw new Error(`expected a SkiffError, got ${String(error)}`);
  return error;
}

describe("serveServiceBinding", () => {
  it("invokes the target of the caller's tenant directly and answers with its response", async () => {
    const h = harness();
    const answer = await serveServiceBinding(callOf(), AUTH, h.deps);
    expect(h.lookups).toEqual(["acme/auth"]);
    expect(h.invoked).toHaveLength(1);
    expect(h.invoked[0]?.version).toBe(TARGET);
    expect(h.invoked[0]?.event).toEqual({
      kind: "http",
      method: "POST",
      url: "https://auth/check?x=1",
      headers: [["x-token", "t"]],
      body: new Uint8Array([1]),
    });
    // A fresh chain: this is its first hop.
    expect(h.invoked[0]?.options).toEqual({ invocationId: "id-1", chain: { id: "id-2", hops: 1 } });
    expect(answer.status).toBe(201);
    expect(answer.statusText).toBe("Created");
    expect(answer.headers).toContainEqual(["x-from", "auth"]);
    expect(answer.headers).toContainEqual(["x-skiff-invocation-id", "id-1"]);
    expect(answer.headers.map(([name]) => name)).not.toContain("connection");
    expect(new TextDecoder().decode(answer.body)).toBe("welcome");
  });

  it("records the target's invocation, linked to the caller's", async () => {
    const h = harness();
    await serveServiceBinding(callOf(), AUTH, h.deps);
    expect(h.records).toEqual([
      expect.objectContaining({
        id: "id-1",
        tenant: "acme",
        functionName: "auth",
        version: 1,
        trigger: "service",
        parentInvocationId: "caller-1",
        startedAt: 1000,
        outcome: "ok",
        status: 201,
      }),
    ]);
  });

  it("continues the caller's chain one hop further, and stops it past 16 with LOOP_DETECTED", async () => {
    const h = harness();
    await serveServiceBinding(callOf({ chain: { id: "loop", hops: 15 } }), AUTH, h.deps);
    expect(h.invoked[0]?.options?.chain).toEqual({ id: "loop", hops: 16 });

    const error = await rejection(
      serveServiceBinding(callOf({ chain: { id: "loop", hops: 16 } }), AUTH, h.deps),
    );
    expect(error.code).toBe("LOOP_DETECTED");
    expect(error.message).toMatch(
      /^LOOP_DETECTED: service binding AUTH to function "auth": .*deeper than 16/,
    );
    expect(h.invoked).toHaveLength(1);
    expect(h.records).toHaveLength(1);
  });

  it("answers a failed target with the platform's error, as an HTTP client would get it", async () => {
    const h = harness(() => ({
      ...okResult(),
      outcome: "exception",
      response: undefined,
      error: { name: "Error", message: "boom" },
    }));
    const answer = await serveServiceBinding(callOf(), AUTH, h.deps);
    expect(answer.status).toBe(500);
    expect(JSON.parse(new TextDecoder().decode(answer.body))).toMatchObject({
      error: { code: "FUNCTION_ERROR", invocationId: "id-1" },
    });
    expect(h.records[0]).toMatchObject({ outcome: "exception", status: 500, error: { message: "boom" } });
  });

  it("refuses a target that is not deployed in the caller's tenant", async () => {
    const h = harness();
    const elsewhere = { ...CALLER, tenant: "other" };
    const error = await rejection(serveServiceBinding(callOf({ version: elsewhere }), AUTH, h.deps));
    expect(error.code).toBe("FUNCTION_NOT_FOUND");
    expect(error.message).toMatch(/^FUNCTION_NOT_FOUND: .*tenant "other" has no deployed function "auth"/);
    expect(h.lookups).toEqual(["other/auth"]);
    expect(h.invoked).toHaveLength(0);
  });

  it.each([
    ["an unknown operation", { op: "connect" }],
    ["a request that is not an object", { args: "https://auth/" }],
    ["a relative URL", { args: { url: "/check", method: "GET", headers: [], body: null } }],
    [
      "a GET with a body",
      { args: { url: "https://auth/", method: "GET", headers: [], body: new Uint8Array(1) } },
    ],
    [
      "a header with a line break",
      { args: { url: "https://auth/", method: "GET", headers: [["x", "a\r\nb"]] } },
    ],
    [
      "a body that is not bytes",
      { args: { url: "https://auth/", method: "POST", headers: [], body: "text" } },
    ],
  ])("refuses %s with INVALID_REQUEST without invoking", async (_what, overrides) => {
    const h = harness();
    const error = await rejection(serveServiceBinding(callOf(overrides), AUTH, h.deps));
    expect(error.code).toBe("INVALID_REQUEST");
    expect(error.message).toMatch(/^INVALID_REQUEST: service binding AUTH/);
    expect(h.invoked).toHaveLength(0);
  });

  it("passes the runtime's refusals on with their code and records nothing", async () => {
    const h = harness(() => {
      throw new SkiffError("TOO_MANY_REQUESTS", "function auth is at its concurrency limit");
    });
    const error = await rejection(serveServiceBinding(callOf(), AUTH, h.deps));
    expect(error.code).toBe("TOO_MANY_REQUESTS");
    expect(error.message).toMatch(/^TOO_MANY_REQUESTS: .*concurrency limit/);
    expect(h.records).toHaveLength(0);
  });

  it("refuses a response larger than the caller may take, after recording the target's run", async () => {
    const h = harness(() => ({
      ...okResult(),
      response: { status: 200, statusText: "", headers: [], body: new Uint8Array(2048) },
    }));
    const error = await rejection(serveServiceBinding(callOf(), AUTH, h.deps));
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(h.records).toHaveLength(1);
  });

  it("fails clearly on a server without service binding support", async () => {
    const error = await rejection(serveServiceBinding(callOf(), AUTH, undefined));
    expect(error.code).toBe("INTERNAL_ERROR");
  });
});
