// Issue 10, item 3: topics on the real server. Three subscribers (two functions with different filter policies,
// one queue) each receive exactly the publications that match them; a SIGKILL while publications pour in
// leaves none of them delivered to some subscribers but not to others.
import { rm } from "node:fs/promises";
import { openStorage } from "@skiff/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Collector, startCollector } from "./collector.js";
import {
  createQueue,
  createTopic,
  deployWith,
  inParallel,
  queueInfo,
  setConsumer,
  subscribe,
} from "./queue-helpers.js";
import { AdminClient, waitFor } from "./skiff-api.js";
import { type SkiffServer, startSkiff } from "./skiff-server.js";

let collector: Collector;

beforeAll(async () => {
  collector = await startCollector();
});

afterAll(async () => {
  await collector.close();
});

type Attributes = { color: string; size: number; kind: string };

/** A publication's attributes, mixed so that each subscriber's filter matches a different part of them. */
function attributesOf(n: number): Attributes {
  return {
    color: ["red", "blue", "green"][n % 3] as string,
    size: n % 100,
    kind: n % 10 === 0 ? "test" : "prod",
  };
}

/** Who should get publication n: the SNS Lambda wants red, the Workers function large, the queue non-tests. */
const SUBSCRIBERS = {
  "sns-red": { filterPolicy: { color: ["red"] }, wants: (a: Attributes) => a.color === "red" },
  "workers-large": {
    filterPolicy: { size: [{ numeric: [">=", 50] }] },
    wants: (a: Attributes) => a.size >= 50,
  },
  "queue-prod": {
    filterPolicy: { kind: [{ "anything-but": "test" }], color: [{ exists: true }] },
    wants: (a: Attributes) => a.kind !== "test",
  },
} as const;
type Subscriber = keyof typeof SUBSCRIBERS;
const NAMES = Object.keys(SUBSCRIBERS) as Subscriber[];

/** Deploys the three subscribers (reporting `<label>:<n>` for every delivery) and subscribes them. */
async function setUpTopic(admin: AdminClient, label: string): Promise<void> {
  const report = (who: string, expr: string) =>
    `await fetch(${JSON.stringify(collector.url)}, { method: "POST", body: JSON.stringify({ id: ${JSON.stringify(`${label}:${who}:`)} + (${expr}).n, topic: ${JSON.stringify(label)}, who: ${JSON.stringify(who)}, n: (${expr}).n, extra }) });`;
  await deployWith(
    admin,
    "sns-red",
    `export const handler = async (event) => {
      for (const record of event.Records) {
        const extra = { source: record.EventSource, arn: record.Sns.TopicArn, color: record.Sns.MessageAttributes.color };
        ${report("sns-red", "JSON.parse(record.Sns.Message)")}
      }
    };`,
    { async: { maxAttempts: 5, minBackoffMs: 100 } },
  );
  await deployWith(
    admin,
    "workers-large",
    `export default { async queue(batch) {
      for (const m of batch.messages) {
        const extra = { size: m.attributes.size, queue: batch.queue };
        ${report("workers-large", "m.body")}
      }
    } };`,
    { async: { maxAttempts: 5, minBackoffMs: 100 } },
  );
  await deployWith(
    admin,
    "queue-prod-consumer",
    `export default { async queue(batch) {
      for (const m of batch.messages) {
        const extra = { kind: m.attributes.kind };
        ${report("queue-prod", "m.body")}
      }
    } };`,
  );
  await createTopic(admin, "events");
  await createQueue(admin, "prod-events");
  await setConsumer(admin, "prod-events", { function: "queue-prod-consumer", batchSize: 10, maxWaitMs: 100 });
  await subscribe(admin, "events", {
    function: "sns-red",
    filterPolicy: SUBSCRIBERS["sns-red"].filterPolicy,
  });
  await subscribe(admin, "events", {
    function: "workers-large",
    filterPolicy: SUBSCRIBERS["workers-large"].filterPolicy,
  });
  await subscribe(admin, "events", {
    queue: "prod-events",
    filterPolicy: SUBSCRIBERS["queue-prod"].filterPolicy,
  });
}

function publish(admin: AdminClient, n: number) {
  return admin.call("POST", "/tenants/default/topics/events/publish", {
    message: { n },
    attributes: attributesOf(n),
  });
}

/** The publication numbers each subscriber received for `label`, as sets. */
function received(label: string): Record<Subscriber, Set<number>> {
  const sets = Object.fromEntries(NAMES.map((name) => [name, new Set<number>()])) as Record<
    Subscriber,
    Set<number>
  >;
  for (const report of collector.reports) {
    if (report.body.topic === label) sets[report.body.who as Subscriber].add(report.body.n as number);
  }
  return sets;
}

const expected = (who: Subscriber, ns: Iterable<number>) =>
  new Set([...ns].filter((n) => SUBSCRIBERS[who].wants(attributesOf(n))));

describe("topics", () => {
  let server: SkiffServer;
  let admin: AdminClient;

  beforeAll(async () => {
    server = await startSkiff({ env: { SKIFF_EGRESS_ALLOW: collector.hostPort } });
    admin = new AdminClient(server, server.defaultKey);
    await setUpTopic(admin, "filters");
  });

  afterAll(async () => {
    expect(await server.stop()).toBe(0);
  });

  it("deliver each of 100 publications to exactly the subscribers whose filter policy matches", {
    timeout: 120_000,
  }, async () => {
    const all = Array.from({ length: 100 }, (_, n) => n);
    const answers = await inParallel(100, 10, (n) => publish(admin, n));
    for (const [n, answer] of answers.entries()) {
      expect(answer.status).toBe(202);
      const matching = NAMES.filter((who) => SUBSCRIBERS[who].wants(attributesOf(n))).length;
      expect(answer.json.deliveries).toBe(matching);
    }
    await waitFor(
      "every matching delivery",
      async () =>
        NAMES.every((who) => received("filters")[who].size === expected(who, all).size) ? true : undefined,
      90_000,
    );
    const got = received("filters");
    for (const who of NAMES) expect([...got[who]].sort((a, b) => a - b)).toEqual([...expected(who, all)]);
    // The event shapes: SNS records for Lambda, queue batches with attributes for Workers.
    const sample = (who: string) =>
      collector.reports.find((r) => r.body.topic === "filters" && r.body.who === who)?.body;
    expect(sample("sns-red")?.extra).toEqual({
      source: "aws:sns",
      arn: "arn:skiff:sns:local:default:events",
      color: { Type: "String", Value: "red" },
    });
    expect(sample("workers-large")?.extra.queue).toBe("events");
    expect(typeof sample("workers-large")?.extra.size).toBe("number");
    expect(sample("queue-prod")?.extra.kind).toBe("prod");
  });
});

describe("topics after a SIGKILL", () => {
  it("deliver every publication to all its matching subscribers or to none", {
    timeout: 300_000,
  }, async () => {
    const env = { SKIFF_EGRESS_ALLOW: collector.hostPort, SKIFF_EVENT_LEASE_MS: "2000" };
    let server = await startSkiff({ keepDataDir: true, env });
    const dataDir = server.dataDir;
    try {
      let admin = new AdminClient(server, server.defaultKey);
      await setUpTopic(admin, "crash");
      const acknowledged: number[] = [];
      let killed = false;
      const TOTAL = 600;
      const publishing = inParallel(TOTAL, 12, async (n) => {
        if (killed) return;
        try {
          const answer = await publish(admin, n);
          if (answer.status === 202) acknowledged.push(n);
        } catch {
          // The server died with this publication in flight: it may or may not have been stored.
        }
      });
      await waitFor(
        "150 acknowledged publications",
        async () => (acknowledged.length >= 150 ? true : undefined),
        120_000,
      );
      const end = await server.kill("SIGKILL");
      killed = true;
      expect(end.signal).toBe("SIGKILL");
      await publishing;
      const attempted = Math.max(...acknowledged) + 12;

      server = await startSkiff({ dataDir, keepDataDir: true, env });
      admin = new AdminClient(server, server.defaultKey);
      await waitFor(
        "every acknowledged publication at all its matching subscribers",
        async () => {
          const got = received("crash");
          return NAMES.every((who) => [...expected(who, acknowledged)].every((n) => got[who].has(n)))
            ? true
            : undefined;
        },
        120_000,
      );
      // Everything stored is delivered: no async event and no queue message is left.
      await waitFor(
        "nothing left to deliver",
        async () => {
          const side = await openStorage({ dataDir });
          try {
            const depths = await Promise.all([
              side.events.depth("default", "sns-red"),
              side.events.depth("default", "workers-large"),
            ]);
            const queue = await queueInfo(admin, "prod-events");
            return depths.every((d) => d.count === 0) && queue.depth === 0 ? true : undefined;
          } finally {
            await side.close();
          }
        },
        120_000,
      );
      const got = received("crash");
      const seen = new Set(NAMES.flatMap((who) => [...got[who]]));
      expect(seen.size).toBeGreaterThan(0);
      for (const n of seen) {
        for (const who of NAMES) {
          // A publication that reached anyone reached every subscriber it matches.
          expect({ n, who, got: got[who].has(n) }).toEqual({
            n,
            who,
            got: SUBSCRIBERS[who].wants(attributesOf(n)),
          });
        }
      }
      expect([...seen].every((n) => n < attempted)).toBe(true);
    } finally {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
