// The one way messages enter queues and topics, for the admin API and for tenant code's bindings alike: checks
// the input, admits it against the tenant's async-event quota, stores it (committed before it resolves) and
// wakes delivery.
import type { PublishResult, SentMessage, Storage } from "@skiff/storage";
import { parsePublication, parseQueueMessages } from "./outgoing-message.js";

export interface MessageProducerOptions {
  storage: Pick<Storage, "queues" | "topics">;
  now: () => number;
  /** Wakes delivery once something was stored (the scheduler's `wake`). */
  wake?: () => void;
  /**
   * Called once per send or publication, before anything is stored, with how many async events it adds (a
   * publication counts as one): where the per-tenant `asyncEventsPerMinute` quota is enforced. Throws to refuse.
   */
  admit?: (tenant: string, events: number) => void;
}

export class MessageProducer {
  constructor(private readonly options: MessageProducerOptions) {}

  /**
   * Sends raw messages (1–100, checked here) to a queue, all or none. Throws `INVALID_REQUEST`,
   * `PAYLOAD_TOO_LARGE`, `NOT_FOUND` (queue), `RATE_LIMITED` (quota).
   */
  async send(tenant: string, queue: string, messages: unknown): Promise<SentMessage[]> {
    const inputs = parseQueueMessages(messages);
    this.options.admit?.(tenant, inputs.length);
    const sent = await this.options.storage.queues.send(tenant, queue, inputs, this.options.now());
    this.options.wake?.();
    return sent;
  }

  /** Something changed that delivery should look at now (a consumer was set). */
  wake(): void {
    this.options.wake?.();
  }

  /** Publishes a raw publication to a topic: one delivery per matching subscription, in one transaction. */
  async publish(tenant: string, topic: string, publication: unknown): Promise<PublishResult> {
    const input = parsePublication(publication);
    this.options.admit?.(tenant, 1);
    const result = await this.options.storage.topics.publish(tenant, topic, input, this.options.now());
    if (result.deliveries > 0) this.options.wake?.();
    return result;
  }
}
