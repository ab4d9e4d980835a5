// Service bindings as tenant code sees them: `env.AUTH.fetch(request | url, init)` sends the request as plain
// data over the "binding" host call and turns the host's answer into a Response; host failures reject the call.
import { afterEach, describe, expect, it } from "vitest";
import { SandboxHarness } from "../testing/sandbox-harness.js";

const harnesses: SandboxHarness[] = [];
afterEach(() => {
  for (const h of harnesses.splice(0)) h.dispose();
});

const AUTH = [{ type: "service" as const, name: "AUTH", function: "auth" }];

function answeringHost(answer: (call: { op: string; args: Record<string, unknown> }) => unknown) {
  const calls: Array<{ name: string; op: string; args: Record<string, unknown> }> = [];
  const handler = async (raw: unknown) => {
    const call = raw as { name: string; op: string; args: Record<string, unknown> };
    calls.push(call);
    return answer(call);
  };
  return { handler, calls };
}

describe("service bindings in the isolate", () => {
  it("send a Request or a URL with init as plain data and answer with the target's Response", async () => {
    const host = answeringHost(({ args }) => ({
      status: 201,
      statusText: "Created",
      headers: [
        ["x-from", "auth"],
        ["set-cookie", "a=1"],
        ["set-cookie", "b=2"],
      ],
      body: new TextEncoder().encode(`seen ${args.method} ${args.url}`),
      url: "",
      redirected: false,
    }));
    const h = await SandboxHarness.load(
      `export default { async fetch(request, env) {
        const first = await env.AUTH.fetch(new Request("https://auth/check?x=1", {
          method: "POST", headers: { "X-Token": "t" }, body: "secret",
        }));
        const second = await env.AUTH.fetch("https://auth/plain", { headers: [["x-a", "1"], ["x-a", "2"]] });
        const third = await env.AUTH.fetch(new URL("https://auth/head"), { method: "HEAD" });
        return Response.json({
          kind: typeof env.AUTH.fetch,
          first: [first.status, first.statusText, first.headers.get("x-from"), first.headers.getSetCookie(), await first.text()],
          second: await second.text(),
          head: [third.status, await third.text()],
          immutable: (() => { try { first.headers.set("x", "y"); return false; } catch { return true; } })(),
        });
      } }`,
      {},
      64,
      AUTH,
    );
    harnesses.push(h);
    const run = await h.run(undefined, { binding: host.handler });
    expect(run.result.outcome).toBe("ok");
    expect(run.json()).toEqual({
      kind: "function",
      first: [201, "Created", "auth", ["a=1", "b=2"], "seen POST https://auth/check?x=1"],
      second: "seen GET https://auth/plain",
      head: [201, ""],
      immutable: true,
    });
    expect(host.calls.map((c) => [c.name, c.op])).toEqual([
      ["AUTH", "fetch"],
      ["AUTH", "fetch"],
      ["AUTH", "fetch"],
    ]);
    const [post, get] = host.calls;
    expect(post?.args.method).toBe("POST");
    expect(post?.args.headers).toContainEqual(["x-token", "t"]);
    expect(new TextDecoder().decode(post?.args.body as Uint8Array)).toBe("secret");
    expect(get?.args).toEqual({
      url: "https://auth/plain",
      method: "GET",
      headers: [
        ["x-a", "1"],
        ["x-a", "2"],
      ],
      body: null,
    });
  });

  it("rejects with the host's message, which tenant code may catch", async () => {
    const host = answeringHost(() => {
      throw new Error("LOOP_DETECTED: service binding AUTH: the call chain is deeper than 16");
    });
    const h = await SandboxHarness.load(
      `export default { async fetch(request, env) {
        try {
          await env.AUTH.fetch("https://auth/");
          return new Response("no error");
        } catch (error) {
          return new Response(error.name + ": " + error.message, { status: 508 });
        }
      } }`,
      {},
      64,
      AUTH,
    );
    harnesses.push(h);
    const run = await h.run(undefined, { binding: host.handler });
    expect(run.status).toBe(508);
    expect(run.text()).toBe(
      "TypeError: LOOP_DETECTED: service binding AUTH: the call chain is deeper than 16",
    );
  });

  it("refuses a malformed answer from the host instead of building a Response of it", async () => {
    const host = answeringHost(() => ({ status: 42, headers: "nope", body: "x" }));
    const h = await SandboxHarness.load(
      `export default { async fetch(request, env) {
        try { await env.AUTH.fetch("https://auth/"); return new Response("accepted"); }
        catch (error) { return new Response(error.message); }
      } }`,
      {},
      64,
      AUTH,
    );
    harnesses.push(h);
    const run = await h.run(undefined, { binding: host.handler });
    expect(run.text()).toBe("fetch failed: the host answered with an unexpected response");
  });

  it("stop waiting when the caller's signal aborts", async () => {
    const host = answeringHost(() => new Promise(() => {}));
    const h = await SandboxHarness.load(
      `export default { async fetch(request, env) {
        const controller = new AbortController();
        const call = env.AUTH.fetch("https://auth/", { signal: controller.signal });
        controller.abort(new Error("gave up"));
        try { await call; return new Response("answered"); }
        catch (error) { return new Response(error.message); }
      } }`,
      {},
      64,
      AUTH,
    );
    harnesses.push(h);
    const run = await h.run(undefined, { binding: host.handler });
    expect(run.text()).toBe("gave up");
  });
});
