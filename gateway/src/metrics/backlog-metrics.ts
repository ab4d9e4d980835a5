// The async backlog as gauges, sampled from storage on each scrape: event queue depth and age, queue messages,
// dead letters. Series of a tenant whose backlog emptied disappear rather than linger at their last value.
import type { BacklogSample } from "@skiff/storage";
import { Gauge, type Registry } from "prom-client";

export class BacklogMetrics {
  readonly #eventDepth: Gauge<"tenant" | "kind">;
  readonly #eventAge: Gauge<"tenant" | "kind">;
  readonly #queueDepth: Gauge<"tenant" | "queue">;
  readonly #queueAge: Gauge<"tenant" | "queue">;
  readonly #deadLetters: Gauge<"tenant" | "kind">;

  constructor(registry: Registry) {
    const registers = [registry];
    this.#eventDepth = new Gauge({
      name: "skiff_event_queue_depth",
      help: "Async events not yet delivered (storage notifications, async invokes, webhooks, cron retries)",
      labelNames: ["tenant", "kind"],
      registers,
    });
    this.#eventAge = new Gauge({
      name: "skiff_event_queue_oldest_age_seconds",
      help: "Age of the oldest async event not yet delivered",
      labelNames: ["tenant", "kind"],
      registers,
    });
    this.#queueDepth = new Gauge({
      name: "skiff_queue_messages",
      help: "Queue messages not yet delivered",
      labelNames: ["tenant", "queue"],
      registers,
    });
    this.#queueAge = new Gauge({
      name: "skiff_queue_oldest_message_age_seconds",
      help: "Age of the oldest queue message not yet delivered",
      labelNames: ["tenant", "queue"],
      registers,
    });
    this.#deadLetters = new Gauge({
      name: "skiff_dead_letters",
      help: "Dead letters waiting to be redriven or deleted",
      labelNames: ["tenant", "kind"],
      registers,
    });
  }

  sample(backlog: BacklogSample, now: number): void {
    for (const gauge of [
      this.#eventDepth,
      this.#eventAge,
      this.#queueDepth,
      this.#queueAge,
      this.#deadLetters,
    ]) {
      gauge.reset();
    }
    const age = (createdAt: number) => Math.max(0, (now - createdAt) / 1000);
    for (const { tenant, kind, count, oldestCreatedAt } of backlog.events) {
      this.#eventDepth.set({ tenant, kind }, count);
      this.#eventAge.set({ tenant, kind }, age(oldestCreatedAt));
    }
    for (const { tenant, queue, count, oldestCreatedAt } of backlog.queueMessages) {
      this.#queueDepth.set({ tenant, queue }, count);
      this.#queueAge.set({ tenant, queue }, age(oldestCreatedAt));
    }
    for (const { tenant, kind, count } of backlog.deadLetters) this.#deadLetters.set({ tenant, kind }, count);
  }
}
