import { describe, expect, it } from "vitest";
import type { PublishRequest, SubscriptionRequest } from "../../queue-types.js";
import { runWith } from "../../testing/cli-harness.js";

describe("skiff topic", () => {
  it("creates and lists topics", async () => {
    const created = await runWith(
      { createTopic: async (_tenant, name) => ({ name, createdAt: 0, subscriptions: 0 }) },
      ["topic", "create", "orders"],
    );
    expect(created.stdout).toContain("Created topic orders in tenant default.");
    const listed = await runWith(
      { listTopics: async () => [{ name: "orders", createdAt: 0, subscriptions: 3 }] },
      ["topic", "ls"],
    );
    expect(listed.stdout).toBe(
      "NAME    SUBSCRIPTIONS  CREATED\norders  3              1970-01-01T00:00:00.000Z\n",
    );
  });

  it("publishes a message with attributes", async () => {
    const published: PublishRequest[] = [];
    const run = await runWith(
      {
        publishToTopic: async (_tenant, _topic, input) => {
          published.push(input);
          return { messageId: "p-1", deliveries: 2 };
        },
      },
      [
        "topic",
        "publish",
        "orders",
        '{"id":42}',
        "--attribute",
        "region=eu-west",
        "--attribute",
        "total=99.5",
      ],
    );
    expect(run.stdout).toBe("Published message p-1 to topic orders: 2 deliveries.\n");
    expect(published).toEqual([{ message: { id: 42 }, attributes: { region: "eu-west", total: 99.5 } }]);
  });

  it("subscribes a function or a queue with a filter policy", async () => {
    const subscribed: SubscriptionRequest[] = [];
    const api = {
      subscribeToTopic: async (_tenant: string, topic: string, input: SubscriptionRequest) => {
        subscribed.push(input);
        return {
          id: "s-1",
          topic,
          function: input.function ?? null,
          queue: input.queue ?? null,
          filterPolicy: input.filterPolicy ?? null,
          createdAt: 0,
        };
      },
    };
    const run = await runWith(api, [
      "topic",
      "subscribe",
      "orders",
      "--queue",
      "eu",
      "--filter-policy",
      '{"region":[{"prefix":"eu-"}]}',
    ]);
    expect(run.stdout).toBe("Subscribed queue eu to topic orders (subscription s-1).\n");
    expect(subscribed).toEqual([{ queue: "eu", filterPolicy: { region: [{ prefix: "eu-" }] } }]);
  });

  it.each([
    [["--function", "a", "--queue", "b"], "give --function or --queue"],
    [[], "give --function or --queue"],
    [["--function", "a", "--filter-policy", "{"], "--filter-policy is not JSON"],
  ])("refuses subscribe %j", async (extra, message) => {
    const run = await runWith({}, ["topic", "subscribe", "orders", ...extra]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(message);
  });
});
