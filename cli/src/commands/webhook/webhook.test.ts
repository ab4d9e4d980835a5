import { describe, expect, it } from "vitest";
import type { CreateWebhookRequest, WebhookDeliveryInfo, WebhookInfo } from "../../api-client.js";
import { ApiError } from "../../api-error.js";
import { runWith } from "../../testing/cli-harness.js";

const CREATED = Date.UTC(2025, 0, 2, 3, 4, 5);
const HOOK: WebhookInfo = {
  id: "h1",
  provider: "github",
  mode: "async",
  signatureHeader: null,
  toleranceSeconds: 300,
  createdAt: CREATED,
  url: "http://127.0.0.1:8787/hooks/h1",
};

describe("skiff webhook create", () => {
  it("creates the receiver and prints where the sender should post", async () => {
    const calls: unknown[] = [];
    const api = {
      createWebhook: async (tenant: string, name: string, input: CreateWebhookRequest) => {
        calls.push([tenant, name, input]);
        return { ...HOOK, provider: input.provider, mode: input.mode ?? "async" };
      },
    };
    const run = await runWith(api, ["webhook", "create", "bot", "--provider", "github", "--secret", "xyz"]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toBe(
      "Created github webhook h1 (async) for bot.\n  Point the sender at: http://127.0.0.1:8787/hooks/h1\n",
    );
    const json = await runWith(api, [
      "webhook",
      "create",
      "bot",
      "--provider",
      "slack",
      "--secret",
      "xyz",
      "--mode",
      "sync",
      "-t",
      "acme",
      "--json",
    ]);
    expect(JSON.parse(json.stdout)).toMatchObject({ id: "h1", provider: "slack", mode: "sync" });
    expect(calls).toEqual([
      ["default", "bot", { provider: "github", secret: "xyz", mode: "async" }],
      ["acme", "bot", { provider: "slack", secret: "xyz", mode: "sync" }],
    ]);
  });

  it("says which provider and secret it needs before calling the server", async () => {
    const noProvider = await runWith({}, ["webhook", "create", "bot", "--secret", "x"]);
    expect(noProvider.code).toBe(1);
    expect(noProvider.stderr).toContain("missing --provider");
    const unknown = await runWith({}, ["webhook", "create", "bot", "--provider", "gitlab", "--secret", "x"]);
    expect(unknown.stderr).toContain("unknown provider gitlab");
    const noSecret = await runWith({}, ["webhook", "create", "bot", "--provider", "github"]);
    expect(noSecret.stderr).toContain("missing --secret");
    expect(noSecret.settings).toEqual([]);
  });
});

describe("skiff webhook ls, rm", () => {
  it("lists as a table or JSON, and deletes", async () => {
    const deleted: unknown[] = [];
    const api = {
      listWebhooks: async () => [HOOK],
      deleteWebhook: async (tenant: string, name: string, id: string) => {
        deleted.push([tenant, name, id]);
      },
    };
    expect((await runWith(api, ["webhook", "ls", "bot"])).stdout).toBe(
      "ID  PROVIDER  MODE   URL\nh1  github    async  http://127.0.0.1:8787/hooks/h1\n",
    );
    expect(JSON.parse((await runWith(api, ["webhook", "ls", "bot", "--json"])).stdout)).toEqual([HOOK]);
    expect((await runWith(api, ["webhook", "rm", "bot", "h1"])).stdout).toBe("Deleted webhook h1.\n");
    expect(deleted).toEqual([["default", "bot", "h1"]]);
  });
});

describe("skiff webhook deliveries, replay", () => {
  it("shows the log and replays a delivery", async () => {
    const delivery: WebhookDeliveryInfo = {
      id: "d1",
      receivedAt: CREATED,
      providerDeliveryId: "gh-1",
      eventType: "push",
      verification: "failed",
      failureReason: "signature_mismatch",
      status: "rejected",
      invocationId: null,
      attempts: 0,
    };
    const api = {
      listWebhookDeliveries: async (_t: string, _n: string, _id: string, limit?: number) => {
        expect(limit).toBe(5);
        return [delivery];
      },
      replayWebhookDelivery: async () => ({
        status: 200,
        headers: {},
        body: new TextEncoder().encode("handled"),
      }),
    };
    const log = await runWith(api, ["webhook", "deliveries", "bot", "h1", "--limit", "5"]);
    expect(log.stdout).toBe(
      "ID  RECEIVED                  EVENT  VERIFICATION                 STATUS    ATTEMPTS  INVOCATION\n" +
        "d1  2025-01-02T03:04:05.000Z  push   failed (signature_mismatch)  rejected  0         -\n",
    );
    const replay = await runWith(api, ["webhook", "replay", "bot", "h1", "d1"]);
    expect(replay).toMatchObject({ code: 0, stdout: "handled" });
  });

  it("reports the server's refusal", async () => {
    const api = {
      replayWebhookDelivery: async () => {
        throw new ApiError(409, "CONFLICT", "delivery d1 failed its signature check");
      },
    };
    const run = await runWith(api, ["webhook", "replay", "bot", "h1", "d1"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("delivery d1 failed its signature check (CONFLICT, HTTP 409)");
  });
});
