// The webhook part of the storage conformance suite (endpoints, sealed secrets, the deliveries log and its
// queued events), run by `runStorageConformance` for every backend.
import { resolveFunctionConfig } from "@skiff/core";
import { beforeEach, describe, expect, it } from "vitest";
import type { Storage, StoredWebhookRequest, WebhookDelivery, WebhookRepository } from "./types.js";

const T = 1_700_000_000_000;
const WINDOW = 60_000;
const LEASE = 30_000;

type RecordInput = Parameters<WebhookRepository["record"]>[1];

const REQUEST: StoredWebhookRequest = {
  method: "POST",
  path: "/github?x=1",
  headers: [
    ["content-type", "application/json"],
    ["x-github-delivery", "d-1"],
    ["x-note", "ünïcødé ✓"],
    ["set-cookie", "a=1"],
    ["set-cookie", "b=2"],
  ],
  // Every byte value, so nothing on the way decodes or re-encodes the body.
  body: Uint8Array.from({ length: 256 }, (_, i) => i),
};

function verified(overrides: Partial<RecordInput> = {}): RecordInput {
  return {
    request: REQUEST,
    providerDeliveryId: "d-1",
    eventType: "push",
    verification: "verified",
    failureReason: null,
    dedupeWindowMs: WINDOW,
    ...overrides,
  };
}

async function deploy(storage: Storage, tenant: string, name: string): Promise<void> {
  await storage.functions.deploy(tenant, name, {
    code: new TextEncoder().encode(`${tenant}/${name}`),
    config: resolveFunctionConfig(),
  });
}

/** Registers the webhook cases. `current` answers the storage the enclosing suite opened for this test. */
export function describeWebhookStorage(current: () => Storage): void {
  let storage: Storage;

  beforeEach(async () => {
    storage = current();
    await storage.tenants.create("acme");
    await storage.tenants.create("other");
    await deploy(storage, "acme", "hello");
    await deploy(storage, "acme", "world");
    await deploy(storage, "other", "hello");
  });

  const github = (tenant = "acme", fn = "hello", secret = "gh-secret") =>
    storage.webhooks.create(tenant, fn, { provider: "github", secret, mode: "async" }, T);

  describe("webhook endpoints", () => {
    it("creates endpoints with unguessable ids and defaults, lists and resolves them with their secret", async () => {
      const gh = await github();
      expect(gh).toEqual({
        id: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
        tenant: "acme",
        functionName: "hello",
        provider: "github",
        mode: "async",
        signatureHeader: null,
        toleranceSeconds: 300,
        createdAt: T,
      });
      const hmac = await storage.webhooks.create(
        "acme",
        "hello",
        { provider: "hmac-sha256", secret: "h", mode: "sync", toleranceSeconds: 60 },
        T + 1,
      );
      expect(hmac).toMatchObject({ provider: "hmac-sha256", mode: "sync", signatureHeader: "x-signature" });
      const custom = await storage.webhooks.create(
        "acme",
        "hello",
        { provider: "hmac-sha256", secret: "c", mode: "async", signatureHeader: "X-Acme-Signature" },
        T + 2,
      );
      expect(custom.signatureHeader).toBe("x-acme-signature");
      const standard = await storage.webhooks.create(
        "acme",
        "world",
        { provider: "standard", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", mode: "async" },
        T + 3,
      );
      expect(new Set([gh.id, hmac.id, custom.id, standard.id]).size).toBe(4);

      expect(await storage.webhooks.list("acme", "hello")).toEqual([
        gh,
        { ...hmac, toleranceSeconds: 60 },
        custom,
      ]);
      expect(await storage.webhooks.list("acme", "world")).toEqual([standard]);
      expect(await storage.webhooks.resolve(gh.id)).toEqual({ endpoint: gh, secret: "gh-secret" });
      expect(await storage.webhooks.resolve(standard.id)).toEqual({
        endpoint: standard,
        secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      });
      for (const unknown of ["A".repeat(32), "", "../x", gh.id.slice(1)]) {
        expect(await storage.webhooks.resolve(unknown)).toBeUndefined();
      }
    });

    it("refuses unknown owners and invalid input, storing nothing", async () => {
      await expect(github("nobody")).rejects.toMatchObject({ code: "TENANT_NOT_FOUND" });
      await expect(github("acme", "nope")).rejects.toMatchObject({ code: "FUNCTION_NOT_FOUND" });
      const bad = [
        { provider: "gitlab", secret: "s", mode: "async" },
        { provider: "github", secret: "", mode: "async" },
        { provider: "github", secret: "s", mode: "later" },
        { provider: "github", secret: "s", mode: "async", toleranceSeconds: 0 },
        { provider: "stripe", secret: "s", mode: "async", toleranceSeconds: 1.5 },
        { provider: "github", secret: "s", mode: "async", signatureHeader: "x-sig" },
        { provider: "hmac-sha256", secret: "s", mode: "async", signatureHeader: "bad header" },
        { provider: "standard", secret: "not base64!", mode: "async" },
      ];
      for (const input of bad) {
        await expect(
          storage.webhooks.create(
            "acme",
            "hello",
            input as unknown as Parameters<WebhookRepository["create"]>[2],
            T,
          ),
        ).rejects.toMatchObject({ code: "INVALID_REQUEST", status: 400 });
      }
      expect(await storage.webhooks.list("acme", "hello")).toEqual([]);
    });

    it("deletes an endpoint of its own function only", async () => {
      const gh = await github();
      await expect(storage.webhooks.delete("acme", "world", gh.id)).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      await expect(storage.webhooks.delete("other", "hello", gh.id)).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      expect(await storage.webhooks.resolve(gh.id)).toBeDefined();
      await storage.webhooks.delete("acme", "hello", gh.id);
      expect(await storage.webhooks.resolve(gh.id)).toBeUndefined();
      expect(await storage.webhooks.list("acme", "hello")).toEqual([]);
      await expect(storage.webhooks.delete("acme", "hello", gh.id)).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      await expect(storage.webhooks.list("acme", "nope")).rejects.toMatchObject({
        code: "FUNCTION_NOT_FOUND",
      });
    });

    it("keeps tenants apart", async () => {
      const mine = await github("acme", "hello", "acme-secret");
      const theirs = await github("other", "hello", "other-secret");
      expect(await storage.webhooks.list("other", "hello")).toEqual([theirs]);
      expect((await storage.webhooks.resolve(theirs.id))?.secret).toBe("other-secret");
      const { delivery } = await storage.webhooks.record(mine.id, verified(), T);
      await expect(storage.webhooks.deliveries("other", "hello", mine.id)).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      await expect(storage.webhooks.delivery("other", "hello", mine.id, delivery.id)).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      await expect(storage.webhooks.delivery("other", "hello", theirs.id, delivery.id)).rejects.toMatchObject(
        {
          code: "NOT_FOUND",
        },
      );
      expect(await storage.webhooks.deliveries("other", "hello", theirs.id)).toEqual([]);
    });

    it("goes away with its function, deliveries included", async () => {
      const gh = await github();
      await storage.webhooks.record(gh.id, verified(), T);
      await storage.functions.delete("acme", "hello");
      expect(await storage.webhooks.resolve(gh.id)).toBeUndefined();
      await deploy(storage, "acme", "hello");
      expect(await storage.webhooks.list("acme", "hello")).toEqual([]);
      await expect(storage.webhooks.deliveries("acme", "hello", gh.id)).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      expect(await storage.webhooks.prune(Number.MAX_SAFE_INTEGER)).toBe(0);
    });
  });

  describe("webhook deliveries", () => {
    it("commits a verified async delivery with its event, which the queue then leases", async () => {
      const gh = await github();
      const payload = { kind: "webhook", deliveryId: "x", body: "AAEC" };
      const { delivery, duplicate } = await storage.webhooks.record(
        gh.id,
        verified({ queue: { payload } }),
        T,
      );
      expect(duplicate).toBe(false);
      expect(delivery).toEqual({
        id: expect.stringMatching(/^\S+$/),
        endpointId: gh.id,
        receivedAt: T,
        providerDeliveryId: "d-1",
        eventType: "push",
        verification: "verified",
        failureReason: null,
        status: "received",
        invocationId: null,
        attempts: 0,
        eventId: expect.stringMatching(/^\S+$/),
      });
      const leased = await storage.events.lease(T, 10, "worker", LEASE);
      expect(leased).toEqual([
        expect.objectContaining({
          id: delivery.eventId,
          tenant: "acme",
          functionName: "hello",
          kind: "webhook",
          payload,
          idempotencyKey: `webhook:${gh.id}:d-1`,
          attempts: 1,
          createdAt: T,
        }),
      ]);
      expect(await storage.webhooks.deliveries("acme", "hello", gh.id)).toEqual([delivery]);
    });

    it("keys an event without a provider id by the delivery's id, which the caller may choose", async () => {
      const gh = await github();
      const { delivery } = await storage.webhooks.record(
        gh.id,
        verified({ id: "chosen-id", providerDeliveryId: null, queue: { payload: { n: 1 } } }),
        T,
      );
      expect(delivery.id).toBe("chosen-id");
      const [event] = await storage.events.lease(T, 10, "worker", LEASE);
      expect(event?.idempotencyKey).toBe(`webhook:${gh.id}:chosen-id`);
    });

    it("stores neither the delivery nor its event when either fails", async () => {
      const gh = await github();
      await storage.webhooks.record(gh.id, verified({ id: "same", queue: { payload: {} } }), T);
      // The second event is inserted, then the delivery's id collides: the event must be rolled back.
      await expect(
        storage.webhooks.record(
          gh.id,
          verified({ id: "same", providerDeliveryId: "d-2", queue: { payload: {} } }),
          T + 1,
        ),
      ).rejects.toMatchObject({ code: "CONFLICT" });
      expect(await storage.events.depth("acme", "hello")).toEqual({ count: 1, oldestCreatedAt: T });
      await expect(
        storage.webhooks.record(
          gh.id,
          verified({ providerDeliveryId: "d-3", queue: { payload: 10n } }),
          T + 2,
        ),
      ).rejects.toMatchObject({ code: "INVALID_REQUEST" });
      expect((await storage.webhooks.deliveries("acme", "hello", gh.id)).map((d) => d.id)).toEqual(["same"]);
      expect(await storage.events.depth("acme", "hello")).toMatchObject({ count: 1 });
    });

    it("lets a provider retry a delivery that ended badly (sync non-2xx, dead-lettered)", async () => {
      const gh = await github();
      const first = await storage.webhooks.record(gh.id, verified(), T);
      await storage.webhooks.updateStatus(first.delivery.id, { status: "500" });
      const retried = await storage.webhooks.record(gh.id, verified(), T + 1);
      expect(retried.duplicate).toBe(false);
      await storage.webhooks.updateStatus(retried.delivery.id, { status: "200" });
      expect((await storage.webhooks.record(gh.id, verified(), T + 2)).duplicate).toBe(true);
      const other = await storage.webhooks.record(gh.id, verified({ providerDeliveryId: "d-9" }), T + 3);
      await storage.webhooks.updateStatus(other.delivery.id, { status: "dead" });
      expect(
        (await storage.webhooks.record(gh.id, verified({ providerDeliveryId: "d-9" }), T + 4)).duplicate,
      ).toBe(false);
    });

    it("deduplicates a provider delivery id within the window, and not after it", async () => {
      const gh = await github();
      const first = await storage.webhooks.record(gh.id, verified({ queue: { payload: { n: 1 } } }), T);
      const again = await storage.webhooks.record(
        gh.id,
        verified({ queue: { payload: { n: 2 } } }),
        T + WINDOW - 1,
      );
      expect(again).toEqual({ delivery: first.delivery, duplicate: true });
      expect(await storage.events.depth("acme", "hello")).toMatchObject({ count: 1 });
      expect(await storage.webhooks.deliveries("acme", "hello", gh.id)).toEqual([first.delivery]);

      // Another endpoint, or another id, is not a duplicate.
      const gh2 = await github();
      expect((await storage.webhooks.record(gh2.id, verified(), T + 1)).duplicate).toBe(false);
      expect(
        (await storage.webhooks.record(gh.id, verified({ providerDeliveryId: "d-2" }), T + 2)).duplicate,
      ).toBe(false);

      // Past the window the same id is a new delivery, queued even though the first event still waits.
      const later = await storage.webhooks.record(
        gh.id,
        verified({ queue: { payload: { n: 3 } } }),
        T + WINDOW,
      );
      expect(later.duplicate).toBe(false);
      expect(later.delivery.id).not.toBe(first.delivery.id);
      expect(later.delivery.eventId).not.toBeNull();
      expect(await storage.events.depth("acme", "hello")).toMatchObject({ count: 2 });
      // And it is the one a resend inside the new window duplicates.
      expect(await storage.webhooks.record(gh.id, verified(), T + WINDOW + 1)).toEqual({
        delivery: later.delivery,
        duplicate: true,
      });
    });

    it("records a failed verification without an event, and never takes it for a duplicate", async () => {
      const gh = await github();
      const failed = {
        providerDeliveryId: "d-1",
        eventType: null,
        verification: "failed" as const,
        failureReason: "signature_mismatch",
      };
      const { delivery, duplicate } = await storage.webhooks.record(gh.id, verified(failed), T);
      expect(duplicate).toBe(false);
      expect(delivery).toMatchObject({
        verification: "failed",
        failureReason: "signature_mismatch",
        status: "rejected",
        eventId: null,
        attempts: 0,
      });
      expect((await storage.webhooks.record(gh.id, verified(failed), T + 1)).duplicate).toBe(false);
      // A forged request carrying a real id must not make the real one a duplicate.
      expect((await storage.webhooks.record(gh.id, verified(), T + 2)).duplicate).toBe(false);
      expect(await storage.events.depth("acme", "hello")).toMatchObject({ count: 0 });
      await expect(
        storage.webhooks.record(gh.id, verified({ ...failed, queue: { payload: {} } }), T + 3),
      ).rejects.toMatchObject({ code: "INTERNAL_ERROR" });
      expect(await storage.webhooks.deliveries("acme", "hello", gh.id)).toHaveLength(3);
    });

    it("refuses to record at an unknown endpoint", async () => {
      await expect(storage.webhooks.record("A".repeat(32), verified(), T)).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
    });

    it("updates a delivery's status, invocation id and attempts, each only when given", async () => {
      const gh = await github();
      const { delivery } = await storage.webhooks.record(gh.id, verified(), T);
      const read = async (): Promise<WebhookDelivery> =>
        (await storage.webhooks.delivery("acme", "hello", gh.id, delivery.id)).delivery;
      await storage.webhooks.updateStatus(delivery.id, {
        status: "failed",
        invocationId: "inv-1",
        attempts: 1,
      });
      expect(await read()).toMatchObject({ status: "failed", invocationId: "inv-1", attempts: 1 });
      await storage.webhooks.updateStatus(delivery.id, { status: "delivered", attempts: 2 });
      expect(await read()).toMatchObject({ status: "delivered", invocationId: "inv-1", attempts: 2 });
      await storage.webhooks.updateStatus(delivery.id, { status: "200", invocationId: null });
      expect(await read()).toEqual({ ...delivery, status: "200", invocationId: null, attempts: 2 });
      await storage.webhooks.updateStatus("no-such-delivery", { status: "delivered" });
      await expect(
        storage.webhooks.updateStatus(delivery.id, { status: "x", attempts: -1 }),
      ).rejects.toMatchObject({
        code: "INVALID_REQUEST",
      });
    });

    it("lists deliveries newest first, up to the limit", async () => {
      const gh = await github();
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        const { delivery } = await storage.webhooks.record(
          gh.id,
          verified({ providerDeliveryId: `d-${i}` }),
          T + i,
        );
        ids.push(delivery.id);
      }
      // Two at the same millisecond: the later one is still listed first.
      const { delivery: tie } = await storage.webhooks.record(
        gh.id,
        verified({ providerDeliveryId: "tie" }),
        T + 4,
      );
      ids.push(tie.id);
      const listed = await storage.webhooks.deliveries("acme", "hello", gh.id);
      expect(listed.map((d) => d.id)).toEqual(ids.reverse());
      expect(listed.map((d) => d.receivedAt)).toEqual([T + 4, T + 4, T + 3, T + 2, T + 1, T]);
      expect((await storage.webhooks.deliveries("acme", "hello", gh.id, 2)).map((d) => d.id)).toEqual(
        ids.slice(0, 2),
      );
    });

    it("gives back a delivery's request with its body bytes and headers intact", async () => {
      const gh = await github();
      const { delivery } = await storage.webhooks.record(gh.id, verified(), T);
      const detail = await storage.webhooks.delivery("acme", "hello", gh.id, delivery.id);
      expect(detail.delivery).toEqual(delivery);
      expect(detail.request).toEqual({
        method: "POST",
        path: "/github?x=1",
        headers: REQUEST.headers,
        body: REQUEST.body,
      });
      expect(detail.request.body).toBeInstanceOf(Uint8Array);
      expect(Array.from(detail.request.body)).toEqual(Array.from(REQUEST.body));

      // A body that is a view into a larger buffer is stored as the view, not the whole buffer.
      const backing = Uint8Array.from([9, 9, 1, 2, 3, 9]);
      const { delivery: view } = await storage.webhooks.record(
        gh.id,
        verified({
          providerDeliveryId: null,
          request: { method: "PUT", path: "/", headers: [], body: backing.subarray(2, 5) },
        }),
        T,
      );
      const stored = await storage.webhooks.delivery("acme", "hello", gh.id, view.id);
      expect(Array.from(stored.request.body)).toEqual([1, 2, 3]);
      await expect(storage.webhooks.delivery("acme", "hello", gh.id, "nope")).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
    });

    it("prunes deliveries received before a time", async () => {
      const gh = await github();
      const gh2 = await github("acme", "world");
      for (const [endpoint, at] of [
        [gh.id, T],
        [gh.id, T + 10],
        [gh2.id, T + 5],
        [gh.id, T + 20],
      ] as const) {
        await storage.webhooks.record(endpoint, verified({ providerDeliveryId: null }), at);
      }
      expect(await storage.webhooks.prune(T + 10)).toBe(2);
      expect((await storage.webhooks.deliveries("acme", "hello", gh.id)).map((d) => d.receivedAt)).toEqual([
        T + 20,
        T + 10,
      ]);
      expect(await storage.webhooks.deliveries("acme", "world", gh2.id)).toEqual([]);
      expect(await storage.webhooks.prune(T + 10)).toBe(0);
      await expect(storage.webhooks.prune(Number.NaN)).rejects.toMatchObject({ code: "INVALID_REQUEST" });
    });
  });
}
