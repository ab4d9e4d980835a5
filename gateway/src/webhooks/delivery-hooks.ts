// Keeps the deliveries log current while the scheduler delivers queued webhooks: each attempt, its invocation
// and what became of it.
import type { DeliveryHooks } from "@skiff/scheduler";
import type { WebhookRepository } from "@skiff/storage";
import { deliveryIdOf } from "./webhook-event.js";

const SETTLED_STATUS = { completed: "delivered", retrying: "retrying", dead: "dead" } as const;

/**
 * The scheduler's hooks for `webhook` events. A failed log update is reported, never thrown: the log must not
 * stop a delivery.
 *
 * @example
 * new Scheduler({ …, hooks: { webhook: webhookDeliveryHooks(storage.webhooks, logError) } });
 */
export function webhookDeliveryHooks(
  webhooks: Pick<WebhookRepository, "updateStatus">,
  onError: (error: unknown) => void = () => {},
): DeliveryHooks {
  const update = async (payload: unknown, status: string, invocationId: string, attempts: number) => {
    const deliveryId = deliveryIdOf(payload);
    if (deliveryId === undefined) return;
    try {
      await webhooks.updateStatus(deliveryId, { status, invocationId, attempts });
    } catch (error) {
      onError(error);
    }
  };
  return {
    before: (event, _version, invocationId) =>
      update(event.payload, "delivering", invocationId, event.attempts),
    settled: (event, state, result) =>
      update(event.payload, SETTLED_STATUS[state], result.invocationId, event.attempts),
  };
}
