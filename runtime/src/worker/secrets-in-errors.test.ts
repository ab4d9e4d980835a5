// Secrets and env values never reach what the platform says about an invocation: only the tenant's own record
// (its error and log lines) may carry text the tenant's code put there. The gateway's error bodies are the
// fixed messages of outcomeError (DESIGN §5); everything else in a result is the platform's.
import { createHash } from "node:crypto";
import { type InvocationResult, outcomeError } from "@skiff/core";
import { afterAll, describe, expect, it } from "vitest";
import { versionOf } from "../testing/fixtures.js";
import { InvokerHarness } from "../testing/invoker-harness.js";
import type { VersionSpec } from "../types.js";
import { isolateKey } from "./invoker.js";

const SECRET = "sk-live-7f3a9c1e-do-not-leak";
const VAR = "var-value-0b1c-also-private";

const runtime = new InvokerHarness();
afterAll(() => runtime.close());

function secretive(limits: { timeoutMs?: number; cpuMs?: number } = {}): VersionSpec {
  return {
    ...versionOf("secretive", { vars: { REGION: VAR }, ...limits }),
    secrets: { API_KEY: SECRET },
  };
}

/** The platform's view of a result: everything but the tenant's own error and log lines (and its response). */
function platformView(result: InvocationResult): string {
  const { error, logs, response, ...rest } = result;
  const status = result.outcome === "ok" ? undefined : outcomeError(result.outcome);
  return JSON.stringify({ rest, status, errorName: error?.name });
}

const CASES: Record<string, { code: string; outcome: InvocationResult["outcome"] }> = {
  "throws an Error carrying the secret": {
    code: 'export default { fetch(request, env) { throw new Error("key=" + env.API_KEY + " region=" + env.REGION) } }',
    outcome: "exception",
  },
  "throws the secret itself": {
    code: "export default { fetch(request, env) { throw env.API_KEY + env.REGION } }",
    outcome: "exception",
  },
  "returns env instead of a Response": {
    code: "export default { fetch(request, env) { return { env: { ...env } } } }",
    outcome: "invalidResponse",
  },
  "puts the secret in an invalid header value": {
    code: 'export default { fetch(request, env) { return new Response("x", { headers: { "x-k": env.API_KEY + "\\r\\n" + env.REGION } }) } }',
    outcome: "exception",
  },
  "answers a Lambda status code made of env values": {
    code: "export const handler = async (event, context) => ({ statusCode: context.env.API_KEY + context.env.REGION })",
    outcome: "invalidResponse",
  },
  "logs the secret and then runs past its limits": {
    code: "export default { fetch(request, env) { console.log(env.API_KEY, env.REGION); for (;;) {} } }",
    outcome: "exceededCpu",
  },
};

describe("secrets and env values", () => {
  for (const [name, { code, outcome }] of Object.entries(CASES)) {
    it(`stay out of the platform's view of an invocation that ${name}`, async () => {
      const looping = outcome === "exceededCpu";
      const { result } = await runtime.invoke(secretive(looping ? { timeoutMs: 400, cpuMs: 400 } : {}), code);
      expect(looping ? ["exceededCpu", "timeout"] : [outcome]).toContain(result.outcome);
      const view = platformView(result);
      expect(view).not.toContain(SECRET);
      expect(view).not.toContain(VAR);
    });
  }

  it("reach the tenant's own record when its code put them there (that record is the tenant's to read)", async () => {
    const { result } = await runtime.invoke(
      secretive(),
      CASES["throws an Error carrying the secret"]?.code ?? "",
    );
    expect(result.error?.message).toBe(`key=${SECRET} region=${VAR}`);
    expect(result.logs[0]?.message).toContain(SECRET);
  });

  it("leave no trace in the isolate cache key, not even an unkeyed digest", () => {
    const version = secretive();
    const key = isolateKey(version);
    const digest = createHash("sha256")
      .update(JSON.stringify(Object.entries(version.secrets ?? {}).sort()))
      .digest("hex");
    expect(key.startsWith(`${version.id}#`)).toBe(true);
    expect(key).not.toContain(SECRET);
    expect(key).not.toContain(digest.slice(0, 24));
    // Other secret values, another key.
    expect(isolateKey({ ...version, secrets: { API_KEY: "rotated" } })).not.toBe(key);
  });
});
