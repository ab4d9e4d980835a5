import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { BacklogMetrics } from "./backlog-metrics.js";

describe("BacklogMetrics", () => {
  it("sets depth and oldest age per series, and drops series whose backlog emptied", async () => {
    const registry = new Registry();
    const metrics = new BacklogMetrics(registry);
    metrics.sample(
      {
        events: [{ tenant: "acme", kind: "storage", count: 4, oldestCreatedAt: 1_000 }],
        queueMessages: [{ tenant: "acme", queue: "jobs", count: 2, oldestCreatedAt: 7_000 }],
        deadLetters: [{ tenant: "acme", kind: "invoke", count: 1 }],
      },
      11_000,
    );
    const text = await registry.metrics();
    expect(text).toMatch(/^skiff_event_queue_depth\{tenant="acme",kind="storage"\} 4$/m);
    expect(text).toMatch(/^skiff_event_queue_oldest_age_seconds\{tenant="acme",kind="storage"\} 10$/m);
    expect(text).toMatch(/^skiff_queue_messages\{tenant="acme",queue="jobs"\} 2$/m);
    expect(text).toMatch(/^skiff_queue_oldest_message_age_seconds\{tenant="acme",queue="jobs"\} 4$/m);
    expect(text).toMatch(/^skiff_dead_letters\{tenant="acme",kind="invoke"\} 1$/m);
    metrics.sample({ events: [], queueMessages: [], deadLetters: [] }, 12_000);
    expect(await registry.metrics()).not.toMatch(/tenant="acme"/);
  });
});
