// The registry's answers are the routes' real answers: a walk through the admin API over real SQLite storage,
// where every reply is checked against the registry — its status is one the operation documents, a JSON body
// parses with that status's (strict) schema, and an error's code is one of the operation's listed errors.
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CallOptions,
  type Reply,
  type SqliteHarness,
  startSqliteHarness,
} from "../testing/sqlite-harness.js";
import { parsePriceTable } from "../usage/price-table.js";
import { operationErrors } from "./openapi-document.js";
import { findOperation } from "./operation-paths.js";
import { ADMIN_OPERATIONS } from "./registry.js";
import { errorBody } from "./schemas/error.js";

/** Operations this walk does not reach, and why; anything else left out fails the last test. */
const NOT_EXERCISED: Record<string, string> = {
  listTriggers: "needs the scheduler, which this harness runs without",
  setTriggers: "needs the scheduler",
  runTriggers: "needs the scheduler",
  getRuntimeStats: "needs a real supervisor; here only its 404 is checked",
};

let h: SqliteHarness;
const exercised = new Set<string>();
const problems: string[] = [];

beforeAll(async () => {
  h = await startSqliteHarness({
    prices: parsePriceTable('{"perRequest": 0.0000002, "perGbSecond": 0.0000166667}'),
  });
});
afterAll(async () => {
  await h.close();
});

/** One call, checked against the registry; answers the reply for the walk to go on with. */
async function call(method: string, path: string, status: number, options: CallOptions = {}): Promise<Reply> {
  const reply = await h.call(method, path, options);
  const where = `${method} ${path} → ${reply.status}`;
  const spec = findOperation(ADMIN_OPERATIONS, method, path.split("?")[0] as string);
  if (spec === undefined) throw new Error(`${where}: no operation in the registry`);
  expect(reply.status, `${where}: ${JSON.stringify(reply.json)}`).toBe(status);
  if (status >= 400) {
    const parsed = errorBody.safeParse(reply.json);
    if (!parsed.success) problems.push(`${where}: not the error shape: ${parsed.error.message}`);
    else if (!operationErrors(spec).includes(parsed.data.error.code)) {
      problems.push(`${where}: ${parsed.data.error.code} is not among ${spec.operationId}'s errors`);
    }
  } else {
    const response = spec.responses[status];
    if (response === undefined) problems.push(`${where}: status not documented for ${spec.operationId}`);
    else if (
      response.json !== undefined &&
      reply.headers.get("content-type")?.startsWith("application/json")
    ) {
      const parsed = response.json.safeParse(reply.json);
      if (!parsed.success) problems.push(`${where}: ${JSON.stringify(parsed.error.issues)}`);
    }
  }
  exercised.add(spec.operationId);
  return reply;
}

const T = "/api/v1/tenants/acme";
const F = `${T}/functions/hello`;

describe("admin API answers against the registry", () => {
  it("tenants, keys, quotas and S3 credentials", async () => {
    await call("POST", "/api/v1/tenants", 201, { body: { name: "fresh" } });
    await call("POST", "/api/v1/tenants", 409, { body: { name: "fresh" } });
    await call("GET", "/api/v1/tenants", 200);
    await call("GET", "/api/v1/tenants", 403, { key: h.acmeKey });
    const key = await call("POST", `${T}/keys`, 201, { body: { role: "read" } });
    await call("GET", `${T}/keys`, 200);
    await call("DELETE", `${T}/keys/${key.json.apiKey.id}`, 204);
    await call("GET", `${T}/quotas`, 200, { key: h.acmeReadKey });
    await call("PUT", `${T}/quotas`, 200, { body: { maxFunctions: 50, burst: null } });
    await call("PUT", `${T}/quotas`, 400, { body: { maxFunctions: -1 } });
    const credential = await call("POST", `${T}/s3-credentials`, 201);
    await call("GET", `${T}/s3-credentials`, 200);
    await call("DELETE", `${T}/s3-credentials/${credential.json.accessKeyId}`, 200);
    await call("GET", "/api/v1/tenants/nobody/quotas", 404);
    await call("GET", "/api/v1/runtime", 404);
    await call("GET", "/api/v1/backlog", 200);
  });

  it("functions, invocations, logs and secrets", async () => {
    await call("PUT", F, 201, { body: { code: "export default {}", config: { vars: { A: "1" } } } });
    await call("PUT", F, 201, { body: { modules: { "index.js": "export default {}" }, main: "index.js" } });
    await call("PUT", F, 400, { body: { code: "x", config: { memoryMb: 1 } } });
    await call("GET", `${T}/functions`, 200);
    await call("GET", F, 200);
    await call("GET", `${T}/functions/missing`, 404);
    await call("GET", `${F}/versions`, 200);
    await call("POST", `${F}/rollback`, 200, { body: { version: 1 } });
    await call("POST", `${F}/rollback`, 404, { body: { version: 9 } });

    const fallback = h.runtime.handler;
    h.runtime.handler = async (version, event, options) => ({
      ...(await fallback(version, event, options)),
      logs: [{ level: "warn", message: "careful", ts: h.clock.now }],
      peakHeapBytes: 1_000_000,
    });
    const invoked = await call("POST", `${F}/invoke`, 200, { body: { hello: "world" } });
    const id = invoked.headers.get("x-skiff-invocation-id");
    expect(id).toBeTruthy();
    await call("POST", `${F}/invoke?async=2`, 400, { body: {} });
    await call("GET", `${F}/invocations?limit=5`, 200);
    await call("GET", `${F}/invocations/${id}`, 200);
    await call("GET", `${F}/invocations/nope`, 404);
    const logs = await call("GET", `${F}/logs?since=1h&level=info&outcome=ok,exception`, 200);
    expect(logs.json.invocations.map((record: { id: string }) => record.id)).toEqual([id]);
    await call("GET", `${F}/logs?level=loud`, 400);

    await call("PUT", `${F}/secrets/TOKEN`, 201, { body: { value: "s3cret" } });
    await call("PUT", `${F}/secrets/TOKEN`, 200, { body: { value: "again" } });
    await call("GET", `${F}/secrets`, 200);
    await call("DELETE", `${F}/secrets/TOKEN`, 200);
    await call("GET", `${F}/triggers/runs`, 200);
    await call("GET", `${T}/usage?from=24h`, 200);
  });

  it("quarantines and dead letters", async () => {
    const version = (await h.storage.functions.get("acme", "hello"))?.activeVersion ?? 0;
    const active = await h.storage.functions.getVersion("acme", "hello", version);
    await h.gateway.quarantined({
      tenant: "acme",
      functionName: "hello",
      versionId: active?.id ?? "",
      since: h.clock.now,
      crashes: 3,
      reason: "crashed its worker 3 times",
    });
    await call("GET", `${T}/quarantines`, 200);
    await call("GET", F, 200);
    await call("DELETE", `${F}/quarantine`, 200);
    await call("DELETE", `${F}/quarantine`, 403, { key: h.acmeKey });

    for (let i = 0; i < 2; i++) {
      const { id } = await h.storage.events.enqueue(
        {
          tenant: "acme",
          functionName: "hello",
          kind: "invoke",
          payload: { kind: "invoke", payload: { n: i } },
        },
        h.clock.now,
      );
      await h.storage.events.lease(h.clock.now, 10, "test", 60_000);
      await h.storage.events.deadLetter(id, "test", "maxAttempts", "boom", h.clock.now);
    }
    const letters = await call("GET", `${F}/dead-letters?limit=10`, 200);
    expect(letters.json.deadLetters).toHaveLength(2);
    await call("POST", `${F}/dead-letters/${letters.json.deadLetters[0].id}/redrive`, 200);
    await call("DELETE", `${F}/dead-letters/${letters.json.deadLetters[1].id}`, 200);
    await call("DELETE", `${F}/dead-letters/${letters.json.deadLetters[1].id}`, 404);
  });

  it("webhooks, their deliveries and replay", async () => {
    const created = await call("POST", `${F}/webhooks`, 201, {
      body: { provider: "hmac-sha256", secret: "a-shared-secret", mode: "sync" },
    });
    const webhook = created.json.webhook;
    await call("GET", `${F}/webhooks`, 200);
    const body = JSON.stringify({ event: "ping" });
    const signature = createHmac("sha256", "a-shared-secret").update(body).digest("hex");
    const received = await h.call("POST", webhook.url, {
      key: null,
      body,
      headers: { "x-signature": signature },
    });
    expect(received.status).toBe(200);
    const deliveries = await call("GET", `${F}/webhooks/${webhook.id}/deliveries`, 200);
    const delivery = deliveries.json.deliveries[0].id;
    await call("GET", `${F}/webhooks/${webhook.id}/deliveries/${delivery}`, 200);
    await call("POST", `${F}/webhooks/${webhook.id}/deliveries/${delivery}/replay`, 200);
    await call("DELETE", `${F}/webhooks/${webhook.id}`, 200);
  });

  it("buckets, objects and KV", async () => {
    const B = `${T}/buckets/photos`;
    await call("POST", `${T}/buckets`, 201, { body: { name: "photos" } });
    await call("GET", `${T}/buckets`, 200);
    await call("GET", B, 200);
    await call("PUT", `${B}/notifications`, 200, {
      body: { rules: [{ events: ["object-create"], prefix: "in/", function: "hello", batchSize: 5 }] },
    });
    await call("GET", `${B}/notifications`, 200);
    await call("PUT", `${B}/objects/${encodeURIComponent("in/a b.txt")}`, 201, {
      body: "hello",
      headers: { "content-type": "text/plain" },
    });
    await call("GET", `${B}/objects?prefix=in/&delimiter=/`, 200);
    await call("GET", `${B}/objects/${encodeURIComponent("in/a b.txt")}`, 200);
    await call("DELETE", `${B}/objects/${encodeURIComponent("in/a b.txt")}`, 200);
    await call("GET", `${B}/objects/${encodeURIComponent("in/a b.txt")}`, 404);
    await call("DELETE", B, 200);

    const N = `${T}/kv/settings`;
    await call("POST", `${T}/kv`, 201, { body: { name: "settings" } });
    await call("GET", `${T}/kv`, 200);
    await call("PUT", `${N}/values/theme?expiration_ttl=3600`, 200, {
      body: "dark",
      headers: { "x-skiff-kv-metadata": '{"by":"test"}' },
    });
    await call("PUT", `${N}/values/plain`, 200, { body: "x" });
    await call("GET", `${N}/keys`, 200);
    await call("GET", `${N}/values/theme`, 200);
    await call("DELETE", `${N}/values/theme`, 200);
    await call("DELETE", N, 200);
  });

  it("queues and topics", async () => {
    const Q = `${T}/queues/jobs`;
    await call("POST", `${T}/queues`, 201, { body: { name: "jobs", retentionSeconds: 3600 } });
    await call("GET", `${T}/queues`, 200);
    await call("POST", `${Q}/messages`, 202, { body: { body: { n: 1 }, attributes: { kind: "a" } } });
    await call("POST", `${Q}/messages`, 202, { body: { messages: [{ body: "t", contentType: "text" }] } });
    await call("GET", Q, 200);
    await call("PUT", `${Q}/consumer`, 200, { body: { function: "hello", batchSize: 5 } });
    await call("GET", `${Q}/consumer`, 200);
    await call("GET", Q, 200);

    const P = `${T}/topics/events`;
    await call("POST", `${T}/topics`, 201, { body: { name: "events" } });
    await call("GET", `${T}/topics`, 200);
    const sub = await call("POST", `${P}/subscriptions`, 201, {
      body: { function: "hello", filterPolicy: { kind: ["a", { prefix: "b" }] } },
    });
    await call("POST", `${P}/subscriptions`, 201, { body: { queue: "jobs" } });
    await call("GET", P, 200);
    await call("GET", `${P}/subscriptions`, 200);
    await call("POST", `${P}/publish`, 202, { body: { message: { hi: 1 }, attributes: { kind: "a" } } });
    await call("DELETE", `${P}/subscriptions/${sub.json.subscription.id}`, 200);
    await call("DELETE", P, 200);

    await call("DELETE", `${Q}/consumer`, 200);
    await call("DELETE", Q, 200);
    await call("GET", Q, 404);
    await call("DELETE", F, 200);
  });

  it("the reference operations", async () => {
    await call("GET", "/api/v1/openapi.json", 200, { key: null });
    await call("GET", "/api/v1/docs", 200, { key: null });
  });

  it("found every answer as the registry describes it", () => {
    expect(problems).toEqual([]);
  });

  it("reached every operation but the few it can not", () => {
    const missed = ADMIN_OPERATIONS.map((spec) => spec.operationId).filter(
      (id) => !exercised.has(id) && NOT_EXERCISED[id] === undefined,
    );
    expect(missed).toEqual([]);
  });
});
