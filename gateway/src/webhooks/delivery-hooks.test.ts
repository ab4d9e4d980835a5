import type { InvocationResult } from "@skiff/core";
import type { VersionSpec } from "@skiff/runtime";
import type { LeasedEvent } from "@skiff/storage";
import { describe, expect, it } from "vitest";
import { webhookDeliveryHooks } from "./delivery-hooks.js";
import { webhookEvent } from "./webhook-event.js";

const payload = JSON.parse(
  JSON.stringify(
    webhookEvent({ tenant: "t", functionName: "f", provider: "stripe" }, "d-9", {
      method: "POST",
      path: "/",
      headers: [],
      body: new Uint8Array(),
    }),
  ),
);
const event = (attempts: number) => ({ id: "e-1", payload, attempts }) as LeasedEvent;
const result = { invocationId: "inv-2" } as InvocationResult;

describe("webhookDeliveryHooks", () => {
  it("logs each attempt and what became of it", async () => {
    const updates: unknown[] = [];
    const hooks = webhookDeliveryHooks({
      updateStatus: async (id, update) => {
        updates.push([id, update]);
      },
    });
    await hooks.before?.(event(1), {} as VersionSpec, "inv-1");
    await hooks.settled?.(event(1), "retrying", result);
    await hooks.settled?.(event(2), "completed", result);
    await hooks.settled?.(event(3), "dead", result);
    expect(updates).toEqual([
      ["d-9", { status: "delivering", invocationId: "inv-1", attempts: 1 }],
      ["d-9", { status: "retrying", invocationId: "inv-2", attempts: 1 }],
      ["d-9", { status: "delivered", invocationId: "inv-2", attempts: 2 }],
      ["d-9", { status: "dead", invocationId: "inv-2", attempts: 3 }],
    ]);
  });

  it("reports a failed update instead of stopping the delivery", async () => {
    const errors: unknown[] = [];
    const hooks = webhookDeliveryHooks(
      {
        updateStatus: async () => {
          throw new Error("disk full");
        },
      },
      (error) => errors.push((error as Error).message),
    );
    await expect(hooks.before?.(event(1), {} as VersionSpec, "inv-1")).resolves.toBeUndefined();
    expect(errors).toEqual(["disk full"]);
  });
});
