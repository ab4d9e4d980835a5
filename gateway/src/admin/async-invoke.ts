// Queues an async invoke (DESIGN §6): the checks and the enqueue behind `POST …/invoke?async=1`, shared by the
// Hono route and the Node fast path so that both answer alike.
import { SkiffError } from "@skiff/core";
import type { GatewayDeps } from "../deps.js";
import { requireScheduler } from "./scheduler-port.js";

export type AsyncInvokeDeps = Pick<GatewayDeps, "routes" | "scheduler" | "limiter">;

export interface AsyncInvokeRequest {
  tenant: string;
  functionName: string;
  /** The `Idempotency-Key` header as sent, if any. */
  idempotencyKey: string | undefined;
  /** Reads and parses the JSON payload; called only once the function and the key are known good. */
  readPayload(): Promise<unknown>;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,256}$/;

/**
 * Resolves once the event row is committed (the producer hears 202 only then). FUNCTION_NOT_FOUND, then
 * INVALID_REQUEST for a bad key, the payload's errors, and 429 RATE_LIMITED past the tenant's
 * asyncEventsPerMinute, in that order, before anything is stored.
 */
export async function queueInvoke(
  deps: AsyncInvokeDeps,
  request: AsyncInvokeRequest,
): Promise<{ eventId: string; duplicate: boolean }> {
  const { tenant, functionName, idempotencyKey } = request;
  if (deps.routes.get(tenant, functionName) === undefined) {
    throw new SkiffError(
      "FUNCTION_NOT_FOUND",
      `no function "${functionName}" is deployed in tenant "${tenant}"`,
    );
  }
  if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw new SkiffError("INVALID_REQUEST", "Idempotency-Key is 1-256 visible ASCII characters");
  }
  const payload = await request.readPayload();
  const scheduler = requireScheduler(deps.scheduler);
  deps.limiter.admitAsyncEvents(tenant);
  const stored = await scheduler.enqueue({
    tenant,
    functionName,
    kind: "invoke",
    payload: { kind: "invoke", payload },
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
  });
  return { eventId: stored.id, duplicate: stored.duplicate };
}
