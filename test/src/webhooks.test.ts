// Issue 6: webhook receivers on the real server. Each provider's signature is computed here with node:crypto,
// independently of the server; verified requests reach the function byte-exact (through the async queue, or
// at once in sync mode), refused ones are logged and never delivered; duplicates are delivered once; a stored
// delivery replays against the current version; an acknowledged delivery survives a SIGKILL.
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Collector, type Report, startCollector } from "./collector.js";
import { AdminClient, type Answer, call, waitFor } from "./skiff-api.js";
import { type SkiffServer, startSkiff } from "./skiff-server.js";

const FN = "/tenants/default/functions";

let collector: Collector;
let server: SkiffServer;
let admin: AdminClient;
let dataDir: string;

function start(): Promise<SkiffServer> {
  return startSkiff({
    keepDataDir: true,
    ...(dataDir === undefined ? {} : { dataDir }),
    // A short lease, so a delivery leased by a killed process is delivered again within the test.
    env: { SKIFF_EGRESS_ALLOW: collector.hostPort, SKIFF_EVENT_LEASE_MS: "2000" },
  });
}

beforeAll(async () => {
  collector = await startCollector();
  server = await start();
  dataDir = server.dataDir;
  admin = new AdminClient(server, server.defaultKey);
});

afterAll(async () => {
  await server?.stop();
  await collector?.close();
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

/**
 * A Workers handler that reports what it received (method, URL, headers, body as hex) under the delivery's id,
 * then behaves as the sender's `x-test-*` headers ask: wait, or fail until the n-th delivery.
 */
const REPORTER = (label: string) => `
export default {
  async fetch(request) {
    const bytes = new Uint8Array(await request.arrayBuffer());
    const headers = {};
    for (const [name, value] of request.headers) headers[name] = value;
    const delay = Number(headers["x-test-delay-ms"] ?? 0);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const answer = await fetch(${JSON.stringify(collector.url)}, {
      method: "POST",
      body: JSON.stringify({
        id: headers["x-skiff-webhook-delivery"] ?? "none",
        label: ${JSON.stringify(label)},
        method: request.method,
        url: request.url,
        headers,
        hex: Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(""),
      }),
    });
    const { seen } = await answer.json();
    const failUntil = Number(headers["x-test-fail-until"] ?? 0);
    if (seen < failUntil) throw new Error("injected failure " + seen);
    return new Response(${JSON.stringify(label)} + ":" + seen);
  },
};`;

interface Webhook {
  id: string;
  url: string;
  provider: string;
  mode: string;
}

async function createWebhook(name: string, body: Record<string, unknown>): Promise<Webhook> {
  const answer = await admin.call("POST", `${FN}/${name}/webhooks`, body);
  if (answer.status !== 201) throw new Error(`create webhook answered ${answer.status}: ${answer.text}`);
  expect(answer.json.webhook.url).toBe(`/hooks/${answer.json.webhook.id}`);
  expect(JSON.stringify(answer.json)).not.toContain(String(body.secret));
  return answer.json.webhook;
}

function post(
  hook: Webhook,
  body: Uint8Array | string,
  headers: Record<string, string>,
  path = "",
): Promise<Answer> {
  return call(`${server.url}${hook.url}${path}`, { method: "POST", headers, body });
}

interface Delivery {
  id: string;
  verification: string;
  failureReason: string | null;
  status: string;
  attempts: number;
  invocationId: string | null;
  providerDeliveryId: string | null;
}

async function deliveries(name: string, hook: Webhook): Promise<Delivery[]> {
  const answer = await admin.call("GET", `${FN}/${name}/webhooks/${hook.id}/deliveries`);
  expect(answer.status).toBe(200);
  return answer.json.deliveries;
}

async function delivered(id: string, what: string): Promise<Report> {
  return waitFor(what, async () => collector.reports.find((r) => r.body.id === id), 30_000);
}

const hmacHex = (key: string | Buffer, data: string | Buffer) =>
  createHmac("sha256", key).update(data).digest("hex");
const nowSeconds = () => Math.floor(Date.now() / 1000);
const hex = (bytes: Uint8Array | string) => Buffer.from(bytes).toString("hex");

/** Signs `body` as each provider does, from its documentation. */
const sign = {
  github: (secret: string, body: Buffer, deliveryId = randomUUID()) => ({
    "content-type": "application/json",
    "x-github-event": "push",
    "x-github-delivery": deliveryId,
    "x-hub-signature-256": `sha256=${hmacHex(secret, body)}`,
  }),
  stripe: (secret: string, body: Buffer, t = nowSeconds()) => ({
    "content-type": "application/json",
    "stripe-signature": `t=${t},v1=${hmacHex(secret, Buffer.concat([Buffer.from(`${t}.`), body]))}`,
  }),
  slack: (secret: string, body: Buffer, t = nowSeconds()) => ({
    "content-type": "application/x-www-form-urlencoded",
    "x-slack-request-timestamp": String(t),
    "x-slack-signature": `v0=${hmacHex(secret, Buffer.concat([Buffer.from(`v0:${t}:`), body]))}`,
  }),
  standard: (secret: string, body: Buffer, id = `msg_${randomUUID()}`, t = nowSeconds()) => {
    const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
    const signature = createHmac("sha256", key)
      .update(Buffer.concat([Buffer.from(`${id}.${t}.`), body]))
      .digest("base64");
    return {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(t),
      "webhook-signature": `v1,${randomBytes(32).toString("base64")} v1,${signature}`,
    };
  },
  hmac: (secret: string, body: Buffer) => ({ "x-signature": hmacHex(secret, body) }),
};

const SECRET = "hook-secret-0f9a2c";
const STANDARD_SECRET = `whsec_${randomBytes(24).toString("base64")}`;

describe("each provider's signature", () => {
  it("delivers a verified request as sent: method, headers, raw body, the verified header", {
    timeout: 60_000,
  }, async () => {
    await admin.mustDeploy("receiver", REPORTER("receiver"));
    const cases = [
      {
        provider: "github",
        secret: "gh-secret",
        body: Buffer.from(JSON.stringify({ action: "opened", note: "héllo" })),
        headers: (s: string, b: Buffer) => sign.github(s, b),
      },
      {
        provider: "stripe",
        secret: `whsec_${randomBytes(16).toString("hex")}`,
        body: Buffer.from(JSON.stringify({ id: `evt_${randomUUID()}`, type: "invoice.paid" })),
        headers: (s: string, b: Buffer) => sign.stripe(s, b),
      },
      {
        provider: "slack",
        secret: randomBytes(16).toString("hex"),
        body: Buffer.from("token=x&command=%2Fdeploy&text=now"),
        headers: (s: string, b: Buffer) => sign.slack(s, b),
      },
      {
        provider: "standard",
        secret: STANDARD_SECRET,
        body: Buffer.from(JSON.stringify({ type: "user.created", data: { id: 1 } })),
        headers: (s: string, b: Buffer) => sign.standard(s, b),
      },
      {
        provider: "hmac-sha256",
        secret: "plain-secret",
        signatureHeader: "X-Signature",
        // Not UTF-8: the body must still arrive byte for byte.
        body: Buffer.from([0x00, 0xff, 0xfe, 0x0a, 0x80, 0x41]),
        headers: (s: string, b: Buffer) => sign.hmac(s, b),
      },
    ];
    for (const c of cases) {
      const hook = await createWebhook("receiver", {
        provider: c.provider,
        secret: c.secret,
        ...(c.signatureHeader === undefined ? {} : { signatureHeader: c.signatureHeader }),
      });
      const headers = c.headers(c.secret, c.body);
      const answer = await post(
        hook,
        c.body,
        { ...headers, "x-skiff-webhook-verified": "forged" },
        "/events?x=1",
      );
      expect(answer.status, `${c.provider}: ${answer.text}`).toBe(202);
      const deliveryId = answer.json.deliveryId as string;
      const report = await delivered(deliveryId, `the ${c.provider} delivery`);
      expect(report.body.method).toBe("POST");
      expect(report.body.url).toBe(`https://receiver.default.webhook/events?x=1`);
      expect(report.body.hex).toBe(hex(c.body));
      expect(report.body.headers["x-skiff-webhook-verified"]).toBe(c.provider);
      expect(report.body.headers["x-skiff-webhook-delivery"]).toBe(deliveryId);
      for (const [name, value] of Object.entries(headers)) expect(report.body.headers[name]).toBe(value);

      const log = await waitFor(
        `the ${c.provider} delivery logged as delivered`,
        async () => {
          const [first] = await deliveries("receiver", hook);
          return first?.status === "delivered" ? first : undefined;
        },
        10_000,
      );
      expect(log).toMatchObject({ id: deliveryId, verification: "verified", attempts: 1 });
      expect(log.invocationId).toEqual(expect.any(String));
    }
  });

  it("accepts GitHub's documented test vector", async () => {
    await admin.mustDeploy("vector", REPORTER("vector"));
    const hook = await createWebhook("vector", { provider: "github", secret: "It's a Secret to Everybody" });
    const answer = await post(hook, "Hello, World!", {
      "x-hub-signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
      "x-github-delivery": randomUUID(),
    });
    expect(answer.status, answer.text).toBe(202);
    const report = await delivered(answer.json.deliveryId, "the test vector's delivery");
    expect(report.body.hex).toBe(hex("Hello, World!"));
  });

  it("refuses a bad signature with 401 and a reason, logs it as failed, and delivers nothing", {
    timeout: 60_000,
  }, async () => {
    await admin.mustDeploy("guarded", REPORTER("guarded"));
    const body = Buffer.from(JSON.stringify({ id: "evt_1", type: "charge.succeeded" }));
    const altered = Buffer.from(body);
    altered[5] = (altered[5] as number) ^ 1;
    const stripeSecret = "whsec_stripe";
    const slackSecret = "slack-secret";
    const github = await createWebhook("guarded", { provider: "github", secret: "right" });
    const stripe = await createWebhook("guarded", { provider: "stripe", secret: stripeSecret });
    const slack = await createWebhook("guarded", { provider: "slack", secret: slackSecret });
    const standard = await createWebhook("guarded", { provider: "standard", secret: STANDARD_SECRET });
    const hmac = await createWebhook("guarded", {
      provider: "hmac-sha256",
      secret: "right",
      signatureHeader: "x-signature",
    });
    const old = nowSeconds() - 3600;
    const refusals: Array<[Webhook, Buffer, Record<string, string>, string]> = [
      [github, altered, sign.github("right", body), "signature_mismatch"],
      [github, body, sign.github("wrong", body), "signature_mismatch"],
      [github, body, { "x-github-delivery": randomUUID() }, "missing_signature"],
      [stripe, altered, sign.stripe(stripeSecret, body), "signature_mismatch"],
      [stripe, body, sign.stripe("whsec_wrong", body), "signature_mismatch"],
      [stripe, body, { "content-type": "application/json" }, "missing_signature"],
      [stripe, body, sign.stripe(stripeSecret, body, old), "timestamp_expired"],
      [slack, altered, sign.slack(slackSecret, body), "signature_mismatch"],
      [slack, body, sign.slack(slackSecret, body, old), "timestamp_expired"],
      [standard, altered, sign.standard(STANDARD_SECRET, body), "signature_mismatch"],
      [standard, body, sign.standard(STANDARD_SECRET, body, "msg_old", old), "timestamp_expired"],
      [hmac, altered, sign.hmac("right", body), "signature_mismatch"],
      [hmac, body, {}, "missing_signature"],
    ];
    for (const [hook, sent, headers, reason] of refusals) {
      const answer = await post(hook, sent, headers);
      expect(answer.status, `${hook.provider} ${reason}`).toBe(401);
      expect(answer.json).toEqual({
        error: { code: "UNAUTHORIZED", message: "webhook signature check failed", reason },
      });
    }
    for (const hook of [github, stripe, slack, standard, hmac]) {
      const expected = refusals.filter(([h]) => h === hook).map(([, , , reason]) => reason);
      const log = await deliveries("guarded", hook);
      expect(log.map((d) => d.failureReason).reverse()).toEqual(expected);
      expect(log.every((d) => d.verification === "failed" && d.invocationId === null)).toBe(true);
    }

    // A verified request sent after them is delivered; none of the refused ones ever was.
    const ok = await post(github, body, sign.github("right", body));
    expect(ok.status).toBe(202);
    await delivered(ok.json.deliveryId, "the verified request");
    expect(collector.reports.filter((r) => r.body.label === "guarded")).toHaveLength(1);
  });
});

describe("async delivery", () => {
  it("answers 202 before a slow handler has finished", async () => {
    await admin.mustDeploy("slow", REPORTER("slow"), { timeoutMs: 30_000 });
    const hook = await createWebhook("slow", { provider: "github", secret: SECRET });
    const body = Buffer.from('{"slow":true}');
    const answer = await post(hook, body, { ...sign.github(SECRET, body), "x-test-delay-ms": "3000" });
    expect(answer.status).toBe(202);
    // The handler reports only after its delay: at the 202 it had not.
    expect(collector.count(answer.json.deliveryId)).toBe(0);
    await delivered(answer.json.deliveryId, "the slow delivery");
  });

  it("delivers a handler failing twice three times, and logs attempts 3, delivered", {
    timeout: 60_000,
  }, async () => {
    await admin.mustDeploy("flaky", REPORTER("flaky"), { async: { minBackoffMs: 100 } });
    const hook = await createWebhook("flaky", { provider: "github", secret: SECRET });
    const body = Buffer.from('{"flaky":true}');
    const answer = await post(hook, body, { ...sign.github(SECRET, body), "x-test-fail-until": "3" });
    expect(answer.status).toBe(202);
    const deliveryId = answer.json.deliveryId as string;
    const log = await waitFor(
      "the flaky delivery logged as delivered",
      async () => {
        const [first] = await deliveries("flaky", hook);
        return first?.status === "delivered" ? first : undefined;
      },
      30_000,
    );
    expect(collector.count(deliveryId)).toBe(3);
    expect(log).toMatchObject({ id: deliveryId, attempts: 3, status: "delivered" });
    // Each attempt is an invocation of its own (records are written in batches: wait for the third).
    const webhookRuns = await waitFor(
      "three webhook invocations recorded",
      async () => {
        const list = await admin.invocations("flaky");
        const runs = (
          list.json.invocations as Array<{ id: string; trigger: string; outcome: string }>
        ).filter((i) => i.trigger === "webhook");
        return runs.length >= 3 ? runs : undefined;
      },
      10_000,
    );
    expect(webhookRuns.map((i) => i.outcome).sort()).toEqual(["exception", "exception", "ok"]);
    expect(webhookRuns.map((i) => i.id)).toContain(log.invocationId);
  });

  it("delivers the same X-GitHub-Delivery once", async () => {
    await admin.mustDeploy("once", REPORTER("once"));
    const hook = await createWebhook("once", { provider: "github", secret: SECRET });
    const body = Buffer.from('{"once":true}');
    const headers = sign.github(SECRET, body, randomUUID());
    const first = await post(hook, body, headers);
    const second = await post(hook, body, headers);
    expect(first.status).toBe(202);
    // A replayed delivery id inside the window is refused like a bad signature, naming the first delivery.
    expect(second.status).toBe(401);
    expect(second.json.error).toMatchObject({ reason: "replayed", deliveryId: first.json.deliveryId });
    // A different delivery sent afterwards is delivered; by then the duplicate would have been too.
    const other = await post(hook, body, sign.github(SECRET, body));
    await delivered(first.json.deliveryId, "the first delivery");
    await delivered(other.json.deliveryId, "the later delivery");
    expect(collector.count(first.json.deliveryId)).toBe(1);
    const log = await deliveries("once", hook);
    expect(log).toHaveLength(3);
    expect(log.filter((d) => d.failureReason === "replayed")).toHaveLength(1);
  });
});

describe("replay and sync mode", () => {
  it("replays a stored delivery against the current version and records a new invocation", async () => {
    await admin.mustDeploy("replayed", REPORTER("replayed-v1"));
    const hook = await createWebhook("replayed", { provider: "github", secret: SECRET });
    const body = Buffer.from('{"replay":"me"}');
    const answer = await post(hook, body, sign.github(SECRET, body));
    const deliveryId = answer.json.deliveryId as string;
    await delivered(deliveryId, "the first delivery");
    await admin.mustDeploy("replayed", REPORTER("replayed-v2"));

    const detail = await admin.call("GET", `${FN}/replayed/webhooks/${hook.id}/deliveries/${deliveryId}`);
    expect(detail.status).toBe(200);
    expect(detail.json.request).toMatchObject({
      method: "POST",
      path: "/",
      body: '{"replay":"me"}',
      bodyBase64: false,
    });

    const replay = await admin.call(
      "POST",
      `${FN}/replayed/webhooks/${hook.id}/deliveries/${deliveryId}/replay`,
    );
    expect(replay.status).toBe(200);
    expect(replay.text).toBe("replayed-v2:2");
    const reports = collector.reports.filter((r) => r.body.id === deliveryId);
    expect(reports.map((r) => r.body.label)).toEqual(["replayed-v1", "replayed-v2"]);
    expect(reports[1]?.body.hex).toBe(hex(body));
    const invocationId = replay.headers["x-skiff-invocation-id"];
    const recorded = await waitFor(
      "the replay's invocation record",
      async () => {
        const list = await admin.invocations("replayed");
        return (list.json.invocations as Array<{ id: string; version: number; trigger: string }>).find(
          (i) => i.id === invocationId,
        );
      },
      10_000,
    );
    expect(recorded).toMatchObject({ version: 2, trigger: "webhook" });
  });

  it("sync mode answers with the function's response (Slack's URL challenge)", async () => {
    await admin.mustDeploy(
      "slackbot",
      `export default { async fetch(request) {
        const event = await request.json();
        return Response.json({ challenge: event.challenge, verified: request.headers.get("x-skiff-webhook-verified") });
      } };`,
    );
    const secret = "slack-signing";
    const hook = await createWebhook("slackbot", { provider: "slack", secret, mode: "sync" });
    const body = Buffer.from(
      JSON.stringify({
        type: "url_verification",
        challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
      }),
    );
    const answer = await post(hook, body, sign.slack(secret, body));
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
      verified: "slack",
    });
    const [log] = await deliveries("slackbot", hook);
    expect(log).toMatchObject({
      verification: "verified",
      status: "200",
      invocationId: answer.headers["x-skiff-invocation-id"],
    });
  });
});

describe("limits and admin", () => {
  it("refuses a body over 1 MB with 413, and an unknown receiver with 404", async () => {
    await admin.mustDeploy("big", REPORTER("big"));
    const hook = await createWebhook("big", { provider: "github", secret: SECRET });
    const body = Buffer.alloc(1024 * 1024 + 1, 0x61);
    const answer = await post(hook, body, sign.github(SECRET, body));
    expect(answer.status).toBe(413);
    expect(answer.json.error.code).toBe("PAYLOAD_TOO_LARGE");
    const unknown = await call(`${server.url}/hooks/${"x".repeat(32)}`, { method: "POST", body: "{}" });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe("NOT_FOUND");
  });

  it("refuses a Standard Webhooks secret that does not decode to a real key", async () => {
    await admin.mustDeploy("std-bad", REPORTER("std-bad"));
    for (const secret of ["whsec_A", "whsec_AAA="]) {
      const answer = await admin.call("POST", `${FN}/std-bad/webhooks`, { provider: "standard", secret });
      expect(answer.status).toBe(400);
    }
    expect((await admin.call("GET", `${FN}/std-bad/webhooks`)).json.webhooks).toEqual([]);
  });

  it("never lets a client send the platform's x-skiff-* headers to a function", async () => {
    await admin.mustDeploy(
      "spoof",
      "export default { fetch(request) { return Response.json({ verified: request.headers.get('x-skiff-webhook-verified') }) } }",
    );
    const answer = await call(`${server.url}/fn/default/spoof`, {
      headers: { "x-skiff-webhook-verified": "stripe" },
    });
    expect(answer.json).toEqual({ verified: null });
  });

  it("lists and deletes receivers; a deleted one answers 404", async () => {
    await admin.mustDeploy("listed", REPORTER("listed"));
    const hook = await createWebhook("listed", { provider: "stripe", secret: "whsec_x", mode: "sync" });
    const list = await admin.call("GET", `${FN}/listed/webhooks`);
    expect(list.json.webhooks).toEqual([
      expect.objectContaining({ id: hook.id, provider: "stripe", mode: "sync" }),
    ]);
    expect(list.text).not.toContain("whsec_x");
    expect((await admin.call("DELETE", `${FN}/listed/webhooks/${hook.id}`)).status).toBe(200);
    expect((await admin.call("GET", `${FN}/listed/webhooks`)).json.webhooks).toEqual([]);
    const gone = await post(hook, "{}", {});
    expect(gone.status).toBe(404);
  });
});

describe("a server that dies", () => {
  it("delivers a webhook acknowledged right before a SIGKILL after the restart", {
    timeout: 90_000,
  }, async () => {
    await admin.mustDeploy("durable", REPORTER("durable"), { timeoutMs: 30_000 });
    const hook = await createWebhook("durable", { provider: "github", secret: SECRET });
    const body = Buffer.from('{"durable":true}');
    const answer = await post(hook, body, { ...sign.github(SECRET, body), "x-test-delay-ms": "1500" });
    expect(answer.status).toBe(202);
    const end = await server.kill("SIGKILL");
    expect(end.signal).toBe("SIGKILL");
    expect(collector.count(answer.json.deliveryId)).toBe(0);

    server = await start();
    admin = new AdminClient(server, server.defaultKey);
    const report = await delivered(answer.json.deliveryId, "the acknowledged delivery after the restart");
    expect(report.body.hex).toBe(hex(body));
    await waitFor(
      "the delivery logged as delivered",
      async () => ((await deliveries("durable", hook))[0]?.status === "delivered" ? true : undefined),
      10_000,
    );
  });
});
