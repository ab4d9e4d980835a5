// Issue 7, item 1: per-tenant quotas set by the operator, enforced by a real `skiff serve` over real HTTP, with
// the usage each tenant sees. Every quota is tried on tenant "alpha" while tenant "beta" keeps being served.
import { PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminClient, type Answer, invoke, waitFor } from "./skiff-api.js";
import { runSkiff } from "./skiff-cli.js";
import { type SkiffServer, startSkiff } from "./skiff-server.js";

const HELLO = `export default { fetch() { return new Response("hello") } }`;
/** Holds its invocation (and so its place in the tenant's concurrency quota) for a few seconds. */
const SLOW = `export default { async fetch() { await new Promise((r) => setTimeout(r, 4000)); return new Response("slow") } }`;
/** A cron function, run by hand here: the scheduler's invocations count against the quotas too. */
const TICKER = `export default { scheduled() {}, fetch() { return new Response("tick") } }`;
/** Writes a KV value of the requested size through its binding, and reports how the write went. */
const WRITER = `export default {
  async fetch(request, env) {
    const size = Number(new URL(request.url).searchParams.get("size"));
    try {
      await env.CACHE.put("from-code", "x".repeat(size));
      return new Response("stored");
    } catch (error) {
      return new Response(String(error && error.message), { status: 507 });
    }
  },
}`;

let server: SkiffServer;
let operator: AdminClient;
let alpha: AdminClient;
let beta: AdminClient;
let s3: S3Client | undefined;

async function createTenant(name: string): Promise<AdminClient> {
  const created = await operator.call("POST", "/tenants", { name });
  expect(created.status).toBe(201);
  return new AdminClient(server, created.json.apiKey);
}

const setQuotas = async (tenant: string, quotas: unknown): Promise<void> => {
  const answer = await operator.call("PUT", `/tenants/${tenant}/quotas`, quotas);
  expect(answer.status, answer.text).toBe(200);
};

const usage = async (client: AdminClient, tenant: string) => {
  const answer = await client.call("GET", `/tenants/${tenant}/quotas`);
  expect(answer.status, answer.text).toBe(200);
  return answer.json.usage;
};

const statuses = (answers: Answer[]) => answers.map((a) => a.status);

beforeAll(async () => {
  server = await startSkiff();
  operator = new AdminClient(server, server.adminToken);
  alpha = await createTenant("alpha");
  beta = await createTenant("beta");
  await alpha.mustDeploy("hello", HELLO, undefined, "alpha");
  await beta.mustDeploy("hello", HELLO, undefined, "beta");
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  await server?.stop();
});

describe("quotas on a running server", () => {
  it("shows each tenant its quotas and usage; only the operator may change them", async () => {
    const mine = await alpha.call("GET", "/tenants/alpha/quotas");
    expect(mine.status).toBe(200);
    expect(mine.json.quotas).toMatchObject({ maxFunctions: 1000, requestsPerSecond: null });
    expect(mine.json.usage).toEqual({
      functions: 1,
      isolateMemoryMb: 0,
      concurrentInvocations: 0,
      storedBytes: 0,
      asyncEventsLastMinute: 0,
    });
    expect((await beta.call("GET", "/tenants/alpha/quotas")).status).toBe(403);
    const selfService = await alpha.call("PUT", "/tenants/alpha/quotas", { requestsPerSecond: 1000 });
    expect(selfService.status).toBe(403);
    const unknown = await operator.call("PUT", "/tenants/alpha/quotas", { requestsPerMinute: 5 });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.code).toBe("INVALID_REQUEST");
  });

  it("answers 429 RATE_LIMITED with Retry-After past requestsPerSecond, while another tenant is unaffected", async () => {
    await setQuotas("alpha", { requestsPerSecond: 1, burst: 3 });
    try {
      // At 1 request per second after a burst of 3, at most a handful of 20 simultaneous requests can pass.
      const [alphaAnswers, betaAnswers] = await Promise.all([
        Promise.all(Array.from({ length: 20 }, () => invoke(server, "hello", "/", {}, "alpha"))),
        Promise.all(Array.from({ length: 20 }, () => invoke(server, "hello", "/", {}, "beta"))),
      ]);
      const limited = alphaAnswers.filter((a) => a.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      expect(alphaAnswers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(3);
      expect(alphaAnswers.every((a) => a.status === 200 || a.status === 429)).toBe(true);
      for (const answer of limited) {
        expect(answer.json.error.code).toBe("RATE_LIMITED");
        expect(answer.json.error.message).toContain("requestsPerSecond");
        expect(Number(answer.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      }
      expect(statuses(betaAnswers)).toEqual(Array(20).fill(200));
    } finally {
      await setQuotas("alpha", { requestsPerSecond: null, burst: null });
    }
    expect((await invoke(server, "hello", "/", {}, "alpha")).status).toBe(200);
  });

  it("refuses a new function past maxFunctions with 403 QUOTA_EXCEEDED, but never a redeploy", async () => {
    await setQuotas("beta", { maxFunctions: 2 });
    await beta.mustDeploy("second", HELLO, undefined, "beta");
    const third = await beta.deploy("third", HELLO, undefined, "beta");
    expect(third.status).toBe(403);
    expect(third.json.error.code).toBe("QUOTA_EXCEEDED");
    expect(third.json.error.message).toContain("maxFunctions");
    expect(await beta.mustDeploy("hello", HELLO, undefined, "beta")).toBe(2);
    expect((await usage(beta, "beta")).functions).toBe(2);
    const listed = await beta.listFunctions("beta");
    expect(listed.json.functions.map((f: { name: string }) => f.name)).toEqual(["hello", "second"]);
  });

  it("refuses object, S3 and KV writes past maxStoredBytes with 403 QUOTA_EXCEEDED, counting usage", async () => {
    await setQuotas("alpha", { maxStoredBytes: 1000 });
    expect((await alpha.call("POST", "/tenants/alpha/buckets", { name: "files" })).status).toBe(201);
    expect((await alpha.call("POST", "/tenants/alpha/kv", { name: "cache" })).status).toBe(201);
    const put = (key: string, size: number) =>
      alpha.call("PUT", `/tenants/alpha/buckets/files/objects/${key}`, "x".repeat(size));
    expect((await put("first", 600)).status).toBe(201);
    const refused = await put("second", 600);
    expect(refused.status).toBe(403);
    expect(refused.json.error).toMatchObject({
      code: "QUOTA_EXCEEDED",
      details: { quota: "maxStoredBytes" },
    });
    expect((await usage(alpha, "alpha")).storedBytes).toBe(600);

    const issued = await alpha.call("POST", "/tenants/alpha/s3-credentials");
    expect(issued.status).toBe(201);
    s3 = new S3Client({
      endpoint: `${server.url}/s3`,
      forcePathStyle: true,
      region: "us-east-1",
      credentials: issued.json,
      maxAttempts: 1,
    });
    const s3Refusal = await s3
      .send(new PutObjectCommand({ Bucket: "files", Key: "via-s3", Body: "y".repeat(600) }))
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(s3Refusal).toBeInstanceOf(S3ServiceException);
    expect((s3Refusal as S3ServiceException).name).toBe("QuotaExceeded");
    expect((s3Refusal as S3ServiceException).$metadata.httpStatusCode).toBe(403);
    await s3.send(new PutObjectCommand({ Bucket: "files", Key: "via-s3", Body: "y".repeat(300) }));

    const kvPut = (size: number) =>
      alpha.call("PUT", "/tenants/alpha/kv/cache/values/k", "z".repeat(size), {
        "content-type": "application/octet-stream",
      });
    expect((await kvPut(200)).status).toBe(403);
    expect((await kvPut(100)).status).toBe(200);
    expect((await usage(alpha, "alpha")).storedBytes).toBe(1000);

    // Tenant code writing through its KV binding is held to the same quota.
    const writer = await alpha.call("PUT", "/tenants/alpha/functions/writer", {
      code: WRITER,
      config: { bindings: [{ type: "kv", name: "CACHE", namespace: "cache" }] },
    });
    expect(writer.status, writer.text).toBe(201);
    const bindingRefusal = await invoke(server, "writer", "/?size=10", {}, "alpha");
    expect(bindingRefusal.status).toBe(507);
    expect(bindingRefusal.text).toContain("maxStoredBytes");
    await setQuotas("alpha", { maxStoredBytes: null });
    const allowed = await invoke(server, "writer", "/?size=10", {}, "alpha");
    expect([allowed.status, allowed.text]).toEqual([200, "stored"]);
    expect((await usage(alpha, "alpha")).storedBytes).toBe(1010);
    // Beta stores freely all along: its usage is its own.
    expect((await usage(beta, "beta")).storedBytes).toBe(0);
  });

  it("refuses invocations past maxConcurrentInvocations with 429 TOO_MANY_REQUESTS on every path", async () => {
    await setQuotas("beta", { maxFunctions: null, maxConcurrentInvocations: 1 });
    await beta.mustDeploy("slow", SLOW, { timeoutMs: 20_000, cpuMs: 1_000 }, "beta");
    await beta.mustDeploy("ticker", TICKER, { triggers: { crons: ["0 0 1 1 *"] } }, "beta");
    const held = invoke(server, "slow", "/", {}, "beta");
    const seen = await waitFor("the slow invocation to be running", async () => {
      const now = await usage(beta, "beta");
      return now.concurrentInvocations === 1 ? now : undefined;
    });
    expect(seen.isolateMemoryMb).toBe(128);
    const viaDataPlane = await invoke(server, "hello", "/", {}, "beta");
    const viaInvokeRoute = await beta.call("POST", "/tenants/beta/functions/hello/invoke", {});
    const viaScheduler = await beta.call("POST", "/tenants/beta/functions/ticker/triggers/run");
    // Alpha is not held back by beta's quota.
    const otherTenant = await invoke(server, "hello", "/", {}, "alpha");
    expect((await held).status).toBe(200);
    for (const answer of [viaDataPlane, viaInvokeRoute]) {
      expect(answer.status).toBe(429);
      expect(answer.json.error.code).toBe("TOO_MANY_REQUESTS");
      expect(answer.json.error.message).toContain("maxConcurrentInvocations");
    }
    expect(viaScheduler.status, viaScheduler.text).toBe(200);
    expect(viaScheduler.json.runs.map((r: { outcome: string }) => r.outcome)).toEqual(["TOO_MANY_REQUESTS"]);
    expect(otherTenant.status).toBe(200);
    // The refused cron run is retried by the queue; once that is done the tenant has nothing in flight.
    await waitFor("beta's invocations to end", async () =>
      (await usage(beta, "beta")).concurrentInvocations === 0 ? true : undefined,
    );
    expect((await invoke(server, "hello", "/", {}, "beta")).status).toBe(200);
  }, 30_000);

  it("refuses async invokes past asyncEventsPerMinute with 429 RATE_LIMITED and Retry-After", async () => {
    await setQuotas("alpha", { asyncEventsPerMinute: 2 });
    const post = () => alpha.call("POST", "/tenants/alpha/functions/hello/invoke?async=1", { n: 1 });
    const answers = [await post(), await post(), await post()];
    expect(statuses(answers)).toEqual([202, 202, 429]);
    const limited = answers[2] as Answer;
    expect(limited.json.error.code).toBe("RATE_LIMITED");
    expect(limited.json.error.message).toContain("asyncEventsPerMinute");
    const retryAfter = Number(limited.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await usage(alpha, "alpha")).asyncEventsLastMinute).toBe(2);
  });

  it("is set and read with `skiff quota set|get`", async () => {
    const env = { SKIFF_TOKEN: server.adminToken };
    const set = await runSkiff(server, ["quota", "set", "beta", "--max-stored-bytes", "5000", "--json"], {
      env,
    });
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout).quotas.maxStoredBytes).toBe(5000);
    const get = await runSkiff(server, ["quota", "get", "beta", "--json"], { env });
    expect(get.code, get.stderr).toBe(0);
    expect(JSON.parse(get.stdout)).toMatchObject({
      tenant: "beta",
      quotas: { maxStoredBytes: 5000, maxConcurrentInvocations: 1 },
      usage: { functions: 4 },
    });
    const denied = await runSkiff(server, ["quota", "set", "default", "--max-functions", "1"]);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain("operator");
  });
});
