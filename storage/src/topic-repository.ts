// Topics of a tenant and their subscriptions; publishing fans a message out to every matching subscription in
// ONE transaction (issue 10): a crash leaves each publication delivered to all its subscribers or to none.
import {
  type FilterPolicy,
  matchesFilterPolicy,
  QUEUE_LIMITS,
  newId as randomId,
  SkiffError,
} from "@skiff/core";
import type { Database, Statement } from "better-sqlite3";
import { isUniqueViolation } from "./database.js";
import { FunctionLookup } from "./function-lookup.js";
import { QueueLookup, type QueueRow } from "./queue-lookup.js";
import { QueueMessageWriter } from "./queue-message-writer.js";
import { assertQueueName } from "./queue-repository.js";
import type {
  PublishInput,
  PublishResult,
  SubscriptionInput,
  Topic,
  TopicRepository,
  TopicSubscription,
} from "./queue-types.js";
import { snsEventRecord } from "./sns-event.js";

interface TopicRow {
  id: number;
  name: string;
  created_at: number;
}

interface SubscriptionRow {
  id: string;
  topic: string;
  function_id: number | null;
  function_name: string | null;
  queue_id: number | null;
  queue_name: string | null;
  filter_policy: string | null;
  created_at: number;
}

const SELECT_SUBSCRIPTION = `
  SELECT s.id, tp.name AS topic, s.function_id, f.name AS function_name, s.queue_id, q.name AS queue_name,
    s.filter_policy, s.created_at
  FROM topic_subscriptions s
  JOIN topics tp ON tp.id = s.topic_id
  LEFT JOIN functions f ON f.id = s.function_id
  LEFT JOIN queues q ON q.id = s.queue_id`;

type PublishTransaction = (tenant: string, topic: string, input: PublishInput, now: number) => PublishResult;

export class SqliteTopicRepository implements TopicRepository {
  private readonly functions: FunctionLookup;
  private readonly queues: QueueLookup;
  private readonly writer: QueueMessageWriter;
  private readonly insertTopic: Statement<[number, string, number]>;
  private readonly byName: Statement<[number, string], TopicRow>;
  private readonly listTopics: Statement<[number], TopicRow & { subscriptions: number }>;
  private readonly deleteTopic: Statement<[number]>;
  private readonly insertSubscription: Statement<
    [string, number, number | null, number | null, string | null, number]
  >;
  private readonly subscriptionsOf: Statement<[number], SubscriptionRow>;
  private readonly countSubscriptions: Statement<[number], { n: number }>;
  private readonly deleteSubscription: Statement<[string, number]>;
  private readonly insertEvent: Statement<[string, number, string, number, number]>;
  private readonly publishTransaction: PublishTransaction;

  constructor(
    db: Database,
    private readonly newId: () => string = randomId,
  ) {
    this.functions = new FunctionLookup(db);
    this.queues = new QueueLookup(db);
    this.writer = new QueueMessageWriter(db, newId);
    this.insertTopic = db.prepare("INSERT INTO topics (tenant_id, name, created_at) VALUES (?, ?, ?)");
    this.byName = db.prepare("SELECT id, name, created_at FROM topics WHERE tenant_id = ? AND name = ?");
    this.listTopics = db.prepare(`
      SELECT tp.id, tp.name, tp.created_at,
        (SELECT count(*) FROM topic_subscriptions s WHERE s.topic_id = tp.id) AS subscriptions
      FROM topics tp WHERE tp.tenant_id = ? ORDER BY tp.name`);
    this.deleteTopic = db.prepare("DELETE FROM topics WHERE id = ?");
    this.insertSubscription = db.prepare(`
      INSERT INTO topic_subscriptions (id, topic_id, function_id, queue_id, filter_policy, created_at)
      VALUES (?, ?, ?, ?, ?, ?)`);
    this.subscriptionsOf = db.prepare(
      `${SELECT_SUBSCRIPTION} WHERE s.topic_id = ? ORDER BY s.created_at, s.rowid`,
    );
    this.countSubscriptions = db.prepare("SELECT count(*) AS n FROM topic_subscriptions WHERE topic_id = ?");
    this.deleteSubscription = db.prepare("DELETE FROM topic_subscriptions WHERE id = ? AND topic_id = ?");
    // The same row the async event queue stores: delivered by its dispatcher, with the function's retries.
    this.insertEvent = db.prepare(`
      INSERT INTO events (id, function_id, kind, payload, idempotency_key, attempts, created_at, available_at)
      VALUES (?, ?, 'queue', ?, NULL, 0, ?, ?)`);

    const publish = db.transaction(
      (tenant: string, topic: string, input: PublishInput, now: number): PublishResult => {
        const row = this.require(tenant, topic);
        const messageId = this.newId();
        const attributes = input.attributes ?? {};
        let deliveries = 0;
        for (const subscription of this.subscriptionsOf.all(row.id)) {
          const policy =
            subscription.filter_policy === null
              ? null
              : (JSON.parse(subscription.filter_policy) as FilterPolicy);
          if (!matchesFilterPolicy(policy, attributes)) continue;
          if (subscription.function_id !== null) {
            this.insertEvent.run(
              this.newId(),
              subscription.function_id,
              JSON.stringify({
                kind: "queue",
                queue: topic,
                messages: [{ id: messageId, timestamp: now, body: input.message, attempts: 0, attributes }],
                lambdaEvent: {
                  Records: [
                    snsEventRecord({
                      tenant,
                      topic,
                      subscriptionId: subscription.id,
                      messageId,
                      message: input.message,
                      attributes,
                      publishedAt: now,
                    }),
                  ],
                },
              }),
              now,
              now,
            );
          } else {
            const queue = this.queues.findById(subscription.queue_id as number) as QueueRow;
            this.writer.write(
              queue,
              {
                body: input.message,
                contentType: "json",
                attributes,
                ...(queue.ordered === 1 ? { groupId: input.groupId ?? topic } : {}),
              },
              now,
            );
          }
          deliveries++;
        }
        return { messageId, deliveries };
      },
    );
    // IMMEDIATE: every delivery of one publication commits together or not at all.
    this.publishTransaction = (...args) => publish.immediate(...args);
  }

  private require(tenant: string, name: string): TopicRow {
    const row = this.byName.get(this.queues.requireTenant(tenant), name);
    if (row === undefined) {
      throw new SkiffError(
        "NOT_FOUND",
        `topic ${JSON.stringify(name.slice(0, 80))} does not exist in tenant "${tenant}"`,
      );
    }
    return row;
  }

  async create(tenant: string, name: string, now: number): Promise<Topic> {
    assertQueueName("topic", name);
    const tenantId = this.queues.requireTenant(tenant);
    try {
      this.insertTopic.run(tenantId, name, now);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new SkiffError("CONFLICT", `tenant "${tenant}" already has a topic "${name}"`);
      }
      throw error;
    }
    return { tenant, name, createdAt: now };
  }

  async get(tenant: string, name: string): Promise<Topic | undefined> {
    const tenantId = this.queues.requireTenant(tenant);
    const row = this.byName.get(tenantId, name);
    return row === undefined ? undefined : { tenant, name: row.name, createdAt: row.created_at };
  }

  async list(tenant: string): Promise<Array<Topic & { subscriptions: number }>> {
    return this.listTopics.all(this.queues.requireTenant(tenant)).map((row) => ({
      tenant,
      name: row.name,
      createdAt: row.created_at,
      subscriptions: row.subscriptions,
    }));
  }

  async delete(tenant: string, name: string): Promise<void> {
    this.deleteTopic.run(this.require(tenant, name).id);
  }

  async subscribe(
    tenant: string,
    topic: string,
    input: SubscriptionInput,
    now: number,
  ): Promise<TopicSubscription> {
    const row = this.require(tenant, topic);
    if ((input.functionName === undefined) === (input.queue === undefined)) {
      throw new SkiffError("INVALID_REQUEST", 'a subscription names a "function" or a "queue", not both');
    }
    if ((this.countSubscriptions.get(row.id)?.n ?? 0) >= QUEUE_LIMITS.subscriptions) {
      throw new SkiffError(
        "INVALID_REQUEST",
        `topic "${topic}" has ${QUEUE_LIMITS.subscriptions} subscriptions already, the most it may have`,
      );
    }
    const functionId =
      input.functionName === undefined ? null : this.functions.require(tenant, input.functionName);
    const queueId = input.queue === undefined ? null : this.queues.require(tenant, input.queue).id;
    const id = this.newId();
    const policy = input.filterPolicy ?? null;
    this.insertSubscription.run(
      id,
      row.id,
      functionId,
      queueId,
      policy === null ? null : JSON.stringify(policy),
      now,
    );
    return {
      id,
      topic,
      functionName: input.functionName ?? null,
      queue: input.queue ?? null,
      filterPolicy: policy,
      createdAt: now,
    };
  }

  async subscriptions(tenant: string, topic: string): Promise<TopicSubscription[]> {
    return this.subscriptionsOf.all(this.require(tenant, topic).id).map(toSubscription);
  }

  async unsubscribe(tenant: string, topic: string, id: string): Promise<void> {
    if (this.deleteSubscription.run(id, this.require(tenant, topic).id).changes === 0) {
      throw new SkiffError("NOT_FOUND", `topic "${topic}" has no subscription ${JSON.stringify(id)}`);
    }
  }

  async publish(tenant: string, topic: string, input: PublishInput, now: number): Promise<PublishResult> {
    if (input.message === undefined) throw new SkiffError("INVALID_REQUEST", "publish needs a message");
    return this.publishTransaction(tenant, topic, input, now);
  }
}

function toSubscription(row: SubscriptionRow): TopicSubscription {
  return {
    id: row.id,
    topic: row.topic,
    functionName: row.function_name,
    queue: row.queue_name,
    filterPolicy: row.filter_policy === null ? null : (JSON.parse(row.filter_policy) as FilterPolicy),
    createdAt: row.created_at,
  };
}
