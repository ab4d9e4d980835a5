// Issue 10, item 4: service bindings. `env.B.fetch(request)` calls another function of the same tenant directly
// through the runtime; a chain A → B → C answers C's response through A, each hop with its own invocation record
// linked to its caller; a function calling itself is stopped at depth 16 with LOOP_DETECTED (the recursion guard
// storage notifications use); a binding to a function the tenant does not have (another tenant's included) is
// refused at deploy, and one whose target was deleted later fails inside the caller.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminClient, type Answer, invoke } from "./skiff-api.js";
import { type SkiffServer, startSkiff } from "./skiff-server.js";

let server: SkiffServer;
let admin: AdminClient;
let operator: AdminClient;

interface ServiceBindingInput {
  type: "service";
  name: string;
  function: string;
}

interface StoredInvocation {
  id: string;
  functionName: string;
  trigger: string;
  parentInvocationId?: string;
  outcome: string;
  status: number;
  error?: { message: string };
}

function deploy(
  client: AdminClient,
  name: string,
  code: string,
  bindings: ServiceBindingInput[] = [],
  extra: Record<string, unknown> = {},
  tenant = "default",
): Promise<Answer> {
  return client.call("PUT", `/tenants/${tenant}/functions/${name}`, { code, config: { bindings, ...extra } });
}

async function mustDeploy(
  name: string,
  code: string,
  bindings: ServiceBindingInput[] = [],
  extra: Record<string, unknown> = {},
): Promise<void> {
  const answer = await deploy(admin, name, code, bindings, extra);
  if (answer.status !== 201) throw new Error(`deploy ${name} answered ${answer.status}: ${answer.text}`);
}

const service = (name: string, fn: string): ServiceBindingInput => ({ type: "service", name, function: fn });

/** The function's records once at least `count` are stored (the caller's own is written after it answered). */
async function records(name: string, count: number): Promise<StoredInvocation[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const answer = await admin.invocations(name);
    expect(answer.status).toBe(200);
    const list = answer.json.invocations as StoredInvocation[];
    if (list.length >= count || Date.now() > deadline) return list;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const invocationIdOf = (answer: Answer) => answer.headers["x-skiff-invocation-id"] as string;

beforeAll(async () => {
  server = await startSkiff();
  admin = new AdminClient(server, server.defaultKey);
  operator = new AdminClient(server, server.adminToken);
});

afterAll(async () => {
  expect(await server?.stop()).toBe(0);
});

describe("service bindings", () => {
  it("chain A → B → C answers C's response through A, with its status, headers and body", async () => {
    await mustDeploy(
      "svc-c",
      `export default { async fetch(request) {
        const url = new URL(request.url);
        const seen = [request.method, url.pathname + url.search, request.headers.get("x-trace"), await request.text()];
        return new Response("C saw " + seen.join(" | "), {
          status: 202,
          statusText: "Accepted by C",
          headers: { "x-from-c": "yes", "content-type": "text/plain; charset=utf-8" },
        });
      } }`,
    );
    // B hands the very Request it got to C.
    await mustDeploy("svc-b", `export default { fetch(request, env) { return env.C.fetch(request); } }`, [
      service("C", "svc-c"),
    ]);
    // A is called over HTTP and calls B with a request of its own.
    await mustDeploy(
      "svc-a",
      `export default { async fetch(request, env) {
        return env.B.fetch("https://svc-b.internal/hop?q=1", {
          method: "POST",
          headers: { "x-trace": "t-1" },
          body: await request.text(),
        });
      } }`,
      [service("B", "svc-b")],
    );

    const answer = await invoke(server, "svc-a", "/", { method: "POST", body: "hello through A" });
    expect(answer.status).toBe(202);
    expect(answer.headers["x-from-c"]).toBe("yes");
    expect(answer.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(answer.text).toBe("C saw POST | /hop?q=1 | t-1 | hello through A");

    // Each hop has its own record, linked to the invocation that called it.
    const aId = invocationIdOf(answer);
    const [a] = await records("svc-a", 1);
    const [b] = await records("svc-b", 1);
    const [c] = await records("svc-c", 1);
    expect(a).toMatchObject({ id: aId, trigger: "http", outcome: "ok", status: 202 });
    expect(a?.parentInvocationId).toBeUndefined();
    expect(b).toMatchObject({ trigger: "service", parentInvocationId: aId, outcome: "ok", status: 202 });
    expect(c).toMatchObject({ trigger: "service", parentInvocationId: b?.id, outcome: "ok", status: 202 });
    expect(new Set([a?.id, b?.id, c?.id]).size).toBe(3);
  });

  it("stops a function calling itself at depth 16 with LOOP_DETECTED, which the caller may catch", async () => {
    // Enough concurrency for 17 nested invocations of one function, so the depth guard, not the limit, stops it.
    await mustDeploy(
      "loop",
      `export default { async fetch(request, env) {
        const depth = Number(new URL(request.url).searchParams.get("depth") ?? "0");
        try {
          const answer = await env.SELF.fetch("https://loop.internal/?depth=" + (depth + 1));
          return new Response(await answer.text(), { status: answer.status });
        } catch (error) {
          return new Response("stopped at depth " + depth + ": " + error.message, { status: 508 });
        }
      } }`,
      [service("SELF", "loop")],
      { concurrency: 20, timeoutMs: 30_000 },
    );
    const answer = await invoke(server, "loop", "/");
    expect(answer.status).toBe(508);
    expect(answer.text).toMatch(
      /^stopped at depth 16: LOOP_DETECTED: service binding SELF to function "loop"/,
    );

    // The HTTP call and 16 service calls, each linked to the one before.
    const list = await records("loop", 17);
    expect(list).toHaveLength(17);
    const top = list.filter((r) => r.trigger === "http");
    expect(top.map((r) => r.id)).toEqual([invocationIdOf(answer)]);
    const byParent = new Map(list.map((r) => [r.parentInvocationId, r]));
    let depth = 0;
    for (let at = top[0]; byParent.has(at?.id); at = byParent.get(at?.id)) depth++;
    expect(depth).toBe(16);
  });

  it("ends an uncaught LOOP_DETECTED as the deepest function's error, answered as FUNCTION_ERROR up the chain", async () => {
    await mustDeploy(
      "loop-uncaught",
      `export default { fetch(request, env) { return env.SELF.fetch("https://loop.internal/"); } }`,
      [service("SELF", "loop-uncaught")],
      { concurrency: 20, timeoutMs: 30_000 },
    );
    const answer = await invoke(server, "loop-uncaught", "/");
    expect(answer.status).toBe(500);
    expect(answer.json.error.code).toBe("FUNCTION_ERROR");
    const list = await records("loop-uncaught", 17);
    const failed = list.filter((r) => r.outcome === "exception");
    expect(failed).toHaveLength(1);
    expect(failed[0]?.trigger).toBe("service");
    expect(failed[0]?.error?.message).toContain("LOOP_DETECTED");
  });

  it("refuses at deploy a binding to a function the tenant does not have, another tenant's included", async () => {
    expect((await operator.call("POST", "/tenants", { name: "other" })).status).toBe(201);
    const secret = await deploy(
      operator,
      "secret",
      `export default { fetch() { return new Response("other's") } }`,
      [],
      {},
      "other",
    );
    expect(secret.status).toBe(201);
    const before = (await admin.listFunctions()).json.functions.map((f: { name: string }) => f.name);

    for (const target of ["secret", "ghost"]) {
      const refused = await deploy(admin, "thief", `export default { fetch() {} }`, [
        service("LEAK", target),
      ]);
      expect(refused.status).toBe(400);
      expect(refused.json.error.code).toBe("INVALID_CONFIG");
      expect(refused.json.error.message).toContain(`has no function "${target}"`);
    }
    expect(
      (await deploy(admin, "thief", `export default { fetch() {} }`, [service("LEAK", "other/secret")]))
        .status,
    ).toBe(400);
    const after = (await admin.listFunctions()).json.functions.map((f: { name: string }) => f.name);
    expect(after).toEqual(before);
  });

  it("fails inside the caller with FUNCTION_NOT_FOUND once the target was deleted", async () => {
    await mustDeploy("doomed", `export default { fetch() { return new Response("still here") } }`);
    await mustDeploy(
      "orphan",
      `export default { async fetch(request, env) {
        try { return new Response(await (await env.GONE.fetch("https://doomed/")).text()); }
        catch (error) { return new Response(error.message, { status: 502 }); }
      } }`,
      [service("GONE", "doomed")],
    );
    expect((await invoke(server, "orphan", "/")).text).toBe("still here");
    expect((await admin.call("DELETE", "/tenants/default/functions/doomed")).status).toBe(200);
    const answer = await invoke(server, "orphan", "/");
    expect(answer.status).toBe(502);
    expect(answer.text).toMatch(/^FUNCTION_NOT_FOUND: .*no deployed function "doomed"/);
  });
});
