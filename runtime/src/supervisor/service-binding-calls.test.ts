// Service binding calls through real runtime workers: the call reaches the binding host with the calling
// invocation's id and chain, and each call spends one of the caller's subrequests.
import { singleModuleBundle } from "@skiff/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpEvent, text, versionOf } from "../testing/fixtures.js";
import type { BindingCall, VersionSpec } from "../types.js";
import { Supervisor } from "./supervisor.js";

const code = new Map<string, string>();
const calls: BindingCall[] = [];
let runtime: Supervisor;

function deploy(source: string, name: string): VersionSpec {
  const version = versionOf(name, { bindings: [{ type: "service", name: "AUTH", function: "auth" }] });
  code.set(version.id, source);
  return version;
}

beforeAll(async () => {
  runtime = new Supervisor({
    loadCode: async (v) => singleModuleBundle(code.get(v.id) ?? ""),
    workers: 1,
    egress: { maxSubrequests: 2 },
    bindingHost: async (call) => {
      calls.push(call);
      const { url } = call.args as { url: string };
      return {
        status: 200,
        statusText: "OK",
        headers: [["x-hops", String(call.chain?.hops ?? "none")]],
        body: new TextEncoder().encode(`answer to ${url}`),
        url: "",
        redirected: false,
      };
    },
  });
  await runtime.ready();
});
afterAll(() => runtime.close());

describe("service binding calls", () => {
  it("carry the calling invocation's id and the chain it was invoked with", async () => {
    const caller = deploy(
      `export default { async fetch(request, env) {
        const answer = await env.AUTH.fetch("https://auth/who");
        return new Response(answer.headers.get("x-hops") + " " + (await answer.text()));
      } }`,
      "chained",
    );
    calls.length = 0;
    const result = await runtime.invoke(caller, httpEvent(), {
      invocationId: "inv-chained",
      chain: { id: "chain-1", hops: 3 },
    });
    expect(result.outcome).toBe("ok");
    expect(text(result.response?.body)).toBe("3 answer to https://auth/who");
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      invocationId: "inv-chained",
      chain: { id: "chain-1", hops: 3 },
      op: "fetch",
      binding: { type: "service", name: "AUTH", function: "auth" },
      version: { id: caller.id },
    });

    // An invocation started without a chain (an HTTP request) has none to pass on.
    calls.length = 0;
    const plain = await runtime.invoke(caller, httpEvent(), { invocationId: "inv-plain" });
    expect(text(plain.response?.body)).toBe("none answer to https://auth/who");
    expect(calls[0]?.invocationId).toBe("inv-plain");
    expect(calls[0]?.chain).toBeUndefined();
  });

  it("count against the caller's subrequest budget, shared with outbound fetch", async () => {
    const greedy = deploy(
      `export default { async fetch(request, env) {
        const seen = [];
        for (let i = 0; i < 3; i++) {
          try { seen.push(await (await env.AUTH.fetch("https://auth/" + i)).text()); }
          catch (error) { seen.push(error.message); }
        }
        try { await fetch("https://example.com/"); seen.push("fetched"); }
        catch (error) { seen.push(error.message); }
        return Response.json(seen);
      } }`,
      "greedy",
    );
    calls.length = 0;
    const result = await runtime.invoke(greedy, httpEvent());
    const seen = JSON.parse(text(result.response?.body)) as string[];
    expect(seen.slice(0, 2)).toEqual(["answer to https://auth/0", "answer to https://auth/1"]);
    expect(seen[2]).toMatch(/^subrequest limit of 2 reached/);
    expect(seen[3]).toMatch(/^subrequest limit of 2 reached/);
    expect(calls).toHaveLength(2);
  });
});
