import { describe, expect, it } from "vitest";
import { ApiError } from "../../api-error.js";
import type { QueueConsumerRequest, QueueInfo, QueueMessageRequest } from "../../queue-types.js";
import { runWith } from "../../testing/cli-harness.js";

const JOBS: QueueInfo = {
  name: "jobs",
  ordered: false,
  maxMessageBytes: 262_144,
  retentionSeconds: 345_600,
  createdAt: 0,
  depth: 12,
  inFlight: 2,
  delayed: 1,
  oldestMessageAgeMs: 90_000,
  consumer: {
    function: "resize",
    batchSize: 10,
    maxWaitMs: 1000,
    maxRetries: 3,
    retryDelaySeconds: 0,
    concurrency: null,
    deadLetterQueue: null,
  },
};

describe("skiff queue create and ls", () => {
  it("creates an ordered queue with limits", async () => {
    const created: unknown[] = [];
    const run = await runWith(
      {
        createQueue: async (tenant, name, input) => {
          created.push({ tenant, name, input });
          return { ...JOBS, name, ordered: true, consumer: null };
        },
      },
      ["queue", "create", "orders", "--ordered", "--max-message-bytes", "4096", "-t", "acme"],
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Created ordered queue orders in tenant acme.");
    expect(created).toEqual([
      { tenant: "acme", name: "orders", input: { ordered: true, maxMessageBytes: 4096 } },
    ]);
  });

  it("lists queues with depth, age and consumer", async () => {
    const run = await runWith({ listQueues: async () => [JOBS] }, ["queue", "ls"]);
    expect(run.stdout).toBe(
      "NAME  TYPE      DEPTH  IN FLIGHT  OLDEST  CONSUMER\njobs  standard  12     2          90s     resize\n",
    );
    const json = await runWith({ listQueues: async () => [JOBS] }, ["queue", "ls", "--json"]);
    expect(JSON.parse(json.stdout)).toEqual([JOBS]);
  });
});

describe("skiff queue send", () => {
  function recording() {
    const sent: Array<{ queue: string; messages: QueueMessageRequest[] }> = [];
    return {
      sent,
      api: {
        sendQueueMessages: async (_tenant: string, queue: string, messages: QueueMessageRequest[]) => {
          sent.push({ queue, messages });
          return [{ id: "m-1", duplicate: false }];
        },
      },
    };
  }

  it("sends a JSON body with group, dedup id, delay and attributes", async () => {
    const { sent, api } = recording();
    const run = await runWith(api, [
      "queue",
      "send",
      "orders",
      '{"step":2}',
      "--group",
      "o-42",
      "--dedup-id",
      "o-42-2",
      "--delay",
      "5",
      "--attribute",
      "region=eu",
      "--attribute",
      "total=99.5",
      "--attribute",
      'tags=["a","b"]',
    ]);
    expect(run).toMatchObject({ code: 0, stdout: "Sent message m-1 to queue orders.\n" });
    expect(sent).toEqual([
      {
        queue: "orders",
        messages: [
          {
            body: { step: 2 },
            delaySeconds: 5,
            groupId: "o-42",
            deduplicationId: "o-42-2",
            attributes: { region: "eu", total: 99.5, tags: ["a", "b"] },
          },
        ],
      },
    ]);
  });

  it("sends text with --text, and says when a resend was dropped", async () => {
    const run = await runWith({ sendQueueMessages: async () => [{ id: "m-0", duplicate: true }] }, [
      "queue",
      "send",
      "jobs",
      "hello there",
      "--text",
    ]);
    expect(run.stdout).toContain("Not sent again: message m-0");
  });

  it.each([
    [["not json"], "the message body is not JSON"],
    [["1", "--delay", "soon"], "--delay must be a whole number"],
    [["1", "--attribute", "novalue"], "--attribute novalue is not name=value"],
  ])("refuses %j before calling the server", async (extra, message) => {
    const { sent, api } = recording();
    const run = await runWith(api, ["queue", "send", "jobs", ...extra]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(message);
    expect(sent).toEqual([]);
  });

  it("reports the server's refusal", async () => {
    const run = await runWith(
      {
        sendQueueMessages: async () => {
          throw new ApiError(413, "PAYLOAD_TOO_LARGE", "a message of 300000 bytes is over the limit");
        },
      },
      ["queue", "send", "jobs", "1"],
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("over the limit");
  });
});

describe("skiff queue consumer", () => {
  it("sets a consumer with its settings", async () => {
    const set: QueueConsumerRequest[] = [];
    const run = await runWith(
      {
        setQueueConsumer: async (_tenant, _queue, consumer) => {
          set.push(consumer);
          return {
            ...(JOBS.consumer as NonNullable<QueueInfo["consumer"]>),
            deadLetterQueue: "failed",
            maxRetries: 5,
          };
        },
      },
      [
        "queue",
        "consumer",
        "jobs",
        "resize",
        "--batch-size",
        "20",
        "--max-retries",
        "5",
        "--dead-letter-queue",
        "failed",
      ],
    );
    expect(run.code).toBe(0);
    expect(set).toEqual([{ function: "resize", batchSize: 20, maxRetries: 5, deadLetterQueue: "failed" }]);
    expect(run.stdout).toContain("Queue jobs is consumed by resize");
    expect(run.stdout).toContain("then queue failed");
  });

  it("shows and removes the consumer", async () => {
    const shown = await runWith({ getQueue: async () => JOBS }, ["queue", "consumer", "jobs"]);
    expect(shown.stdout).toContain("consumed by resize");
    const none = await runWith({ getQueue: async () => ({ ...JOBS, consumer: null }) }, [
      "queue",
      "consumer",
      "jobs",
    ]);
    expect(none.stdout).toContain("has no consumer");
    const removed: string[] = [];
    const run = await runWith({ removeQueueConsumer: async (_tenant, queue) => void removed.push(queue) }, [
      "queue",
      "consumer",
      "jobs",
      "--remove",
    ]);
    expect(run.stdout).toBe("Queue jobs has no consumer now.\n");
    expect(removed).toEqual(["jobs"]);
  });

  it("refuses settings without a function", async () => {
    const run = await runWith({}, ["queue", "consumer", "jobs", "--batch-size", "5"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("settings need the consumer function");
  });
});
