// Queues of a tenant, their consumer, their backlog and sends (issue 10). Delivery is queue-delivery.ts.
import { isValidName, QUEUE_LIMITS, SkiffError } from "@skiff/core";
import type { Database, Statement } from "better-sqlite3";
import { isUniqueViolation } from "./database.js";
import { FunctionLookup } from "./function-lookup.js";
import { QueueLookup, type QueueRow, SELECT_QUEUE, toQueue } from "./queue-lookup.js";
import { QueueMessageWriter } from "./queue-message-writer.js";
import type {
  CreateQueueInput,
  Queue,
  QueueConsumer,
  QueueConsumerInput,
  QueueMessageInput,
  QueueRepository,
  QueueStats,
  SentMessage,
} from "./queue-types.js";

interface ConsumerRow {
  function_name: string;
  batch_size: number;
  max_wait_ms: number;
  max_retries: number;
  retry_delay_seconds: number;
  concurrency: number | null;
  dead_letter_queue: string | null;
  updated_at: number;
}

export const SELECT_CONSUMER = `
  SELECT f.name AS function_name, c.batch_size, c.max_wait_ms, c.max_retries, c.retry_delay_seconds,
    c.concurrency, d.name AS dead_letter_queue, c.updated_at
  FROM queue_consumers c
  JOIN functions f ON f.id = c.function_id
  LEFT JOIN queues d ON d.id = c.dead_letter_queue_id`;

type ConsumerParams = [
  queueId: number,
  functionId: number,
  batchSize: number,
  maxWaitMs: number,
  maxRetries: number,
  retryDelaySeconds: number,
  concurrency: number | null,
  deadLetterQueueId: number | null,
  updatedAt: number,
];

export function toConsumer(row: ConsumerRow): QueueConsumer {
  return {
    functionName: row.function_name,
    batchSize: row.batch_size,
    maxWaitMs: row.max_wait_ms,
    maxRetries: row.max_retries,
    retryDelaySeconds: row.retry_delay_seconds,
    concurrency: row.concurrency,
    deadLetterQueue: row.dead_letter_queue,
    updatedAt: row.updated_at,
  };
}

/** Throws `INVALID_NAME` unless `name` can name a queue or a topic (the DNS-label rule of functions). */
export function assertQueueName(kind: "queue" | "topic", name: string): void {
  if (typeof name !== "string" || !isValidName(name)) {
    const shown = String(name).slice(0, 80);
    throw new SkiffError(
      "INVALID_NAME",
      `invalid ${kind} name ${JSON.stringify(shown)}: use 1-63 characters of a-z, 0-9 and '-', not starting or ending with '-'`,
    );
  }
}

function inRange(value: number | undefined, range: { min: number; max: number }, what: string): void {
  if (value !== undefined && (!Number.isInteger(value) || value < range.min || value > range.max)) {
    throw new SkiffError("INVALID_REQUEST", `${what} is a whole number from ${range.min} to ${range.max}`);
  }
}

export class SqliteQueueRepository implements QueueRepository {
  private readonly queues: QueueLookup;
  private readonly functions: FunctionLookup;
  private readonly writer: QueueMessageWriter;
  private readonly insertQueue: Statement<[number, string, number, number, number, number]>;
  private readonly listQueues: Statement<[string], QueueRow>;
  private readonly deleteQueue: Statement<[number]>;
  private readonly deadLetterOf: Statement<[number, number], { name: string }>;
  private readonly statsOf: Statement<[number, number, number, number], QueueStatsRow>;
  private readonly upsertConsumer: Statement<ConsumerParams>;
  private readonly consumerOf: Statement<[number], ConsumerRow>;
  private readonly deleteConsumer: Statement<[number]>;
  private readonly sendTransaction: (
    tenant: string,
    name: string,
    messages: QueueMessageInput[],
    now: number,
  ) => SentMessage[];

  constructor(db: Database, newId?: () => string) {
    this.queues = new QueueLookup(db);
    this.functions = new FunctionLookup(db);
    this.writer = new QueueMessageWriter(db, newId);
    this.insertQueue = db.prepare(`
      INSERT INTO queues (tenant_id, name, ordered, max_message_bytes, retention_seconds, created_at)
      VALUES (?, ?, ?, ?, ?, ?)`);
    this.listQueues = db.prepare(`${SELECT_QUEUE} WHERE t.name = ? ORDER BY q.name`);
    this.deleteQueue = db.prepare("DELETE FROM queues WHERE id = ?");
    this.deadLetterOf = db.prepare(`
      SELECT q.name FROM queue_consumers c JOIN queues q ON q.id = c.queue_id
      WHERE c.dead_letter_queue_id = ? AND c.queue_id <> ? LIMIT 1`);
    this.statsOf = db.prepare(`
      SELECT count(*) AS depth,
        count(CASE WHEN lease_owner IS NOT NULL AND lease_expires_at > ? THEN 1 END) AS in_flight,
        count(CASE WHEN lease_owner IS NULL AND available_at > ? THEN 1 END) AS delayed,
        min(created_at) AS oldest
      FROM queue_messages WHERE queue_id = ? AND expires_at > ?`);
    this.upsertConsumer = db.prepare(`
      INSERT INTO queue_consumers (queue_id, function_id, batch_size, max_wait_ms, max_retries,
        retry_delay_seconds, concurrency, dead_letter_queue_id, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (queue_id) DO UPDATE SET function_id = excluded.function_id, batch_size = excluded.batch_size,
        max_wait_ms = excluded.max_wait_ms, max_retries = excluded.max_retries,
        retry_delay_seconds = excluded.retry_delay_seconds, concurrency = excluded.concurrency,
        dead_letter_queue_id = excluded.dead_letter_queue_id, updated_at = excluded.updated_at`);
    this.consumerOf = db.prepare(`${SELECT_CONSUMER} WHERE c.queue_id = ?`);
    this.deleteConsumer = db.prepare("DELETE FROM queue_consumers WHERE queue_id = ?");

    const send = db.transaction(
      (tenant: string, name: string, messages: QueueMessageInput[], now: number) => {
        const queue = this.queues.require(tenant, name);
        return messages.map((message) => this.writer.write(queue, message, now));
      },
    );
    // IMMEDIATE: deduplication checks and inserts happen under one write lock.
    this.sendTransaction = (...args) => send.immediate(...args);
  }

  async create(tenant: string, name: string, input: CreateQueueInput, now: number): Promise<Queue> {
    assertQueueName("queue", name);
    inRange(input.maxMessageBytes, QUEUE_LIMITS.messageBytes, "maxMessageBytes");
    inRange(input.retentionSeconds, QUEUE_LIMITS.retentionSeconds, "retentionSeconds");
    const tenantId = this.queues.requireTenant(tenant);
    const queue = {
      ordered: input.ordered === true,
      maxMessageBytes: input.maxMessageBytes ?? QUEUE_LIMITS.messageBytes.default,
      retentionSeconds: input.retentionSeconds ?? QUEUE_LIMITS.retentionSeconds.default,
    };
    try {
      this.insertQueue.run(
        tenantId,
        name,
        queue.ordered ? 1 : 0,
        queue.maxMessageBytes,
        queue.retentionSeconds,
        now,
      );
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new SkiffError("CONFLICT", `tenant "${tenant}" already has a queue "${name}"`);
      }
      throw error;
    }
    return { tenant, name, ...queue, createdAt: now };
  }

  async get(tenant: string, name: string): Promise<Queue | undefined> {
    const row = this.queues.find(tenant, name);
    return row === undefined ? undefined : toQueue(row);
  }

  async list(tenant: string): Promise<Queue[]> {
    this.queues.requireTenant(tenant);
    return this.listQueues.all(tenant).map(toQueue);
  }

  async delete(tenant: string, name: string): Promise<void> {
    const queue = this.queues.require(tenant, name);
    const user = this.deadLetterOf.get(queue.id, queue.id);
    if (user !== undefined) {
      throw new SkiffError(
        "CONFLICT",
        `queue "${name}" is the dead-letter queue of queue "${user.name}": change that consumer first`,
      );
    }
    this.deleteQueue.run(queue.id);
  }

  async stats(tenant: string, name: string, now: number): Promise<QueueStats> {
    const queue = this.queues.require(tenant, name);
    const row = this.statsOf.get(now, now, queue.id, now);
    return {
      depth: row?.depth ?? 0,
      inFlight: row?.in_flight ?? 0,
      delayed: row?.delayed ?? 0,
      oldestMessageAt: row?.oldest ?? null,
    };
  }

  async setConsumer(
    tenant: string,
    name: string,
    input: QueueConsumerInput,
    now: number,
  ): Promise<QueueConsumer> {
    const queue = this.queues.require(tenant, name);
    const functionId = this.functions.require(tenant, input.functionName);
    inRange(input.batchSize, QUEUE_LIMITS.batchSize, "batchSize");
    inRange(input.maxWaitMs, QUEUE_LIMITS.maxWaitMs, "maxWaitMs");
    inRange(input.maxRetries, QUEUE_LIMITS.maxRetries, "maxRetries");
    inRange(input.retryDelaySeconds, QUEUE_LIMITS.retryDelaySeconds, "retryDelaySeconds");
    inRange(input.concurrency ?? undefined, QUEUE_LIMITS.concurrency, "concurrency");
    let deadLetterQueueId: number | null = null;
    if (input.deadLetterQueue !== undefined && input.deadLetterQueue !== null) {
      if (input.deadLetterQueue === name) {
        throw new SkiffError("INVALID_REQUEST", "a queue can not be its own dead-letter queue");
      }
      deadLetterQueueId = this.queues.require(tenant, input.deadLetterQueue).id;
    }
    this.upsertConsumer.run(
      queue.id,
      functionId,
      input.batchSize ?? QUEUE_LIMITS.batchSize.default,
      input.maxWaitMs ?? QUEUE_LIMITS.maxWaitMs.default,
      input.maxRetries ?? QUEUE_LIMITS.maxRetries.default,
      input.retryDelaySeconds ?? QUEUE_LIMITS.retryDelaySeconds.default,
      input.concurrency ?? null,
      deadLetterQueueId,
      now,
    );
    return toConsumer(this.consumerOf.get(queue.id) as ConsumerRow);
  }

  async getConsumer(tenant: string, name: string): Promise<QueueConsumer | undefined> {
    const row = this.consumerOf.get(this.queues.require(tenant, name).id);
    return row === undefined ? undefined : toConsumer(row);
  }

  async removeConsumer(tenant: string, name: string): Promise<void> {
    if (this.deleteConsumer.run(this.queues.require(tenant, name).id).changes === 0) {
      throw new SkiffError("NOT_FOUND", `queue "${name}" has no consumer`);
    }
  }

  async send(
    tenant: string,
    name: string,
    messages: QueueMessageInput[],
    now: number,
  ): Promise<SentMessage[]> {
    if (messages.length === 0) return [];
    if (messages.length > QUEUE_LIMITS.sendBatchMessages) {
      throw new SkiffError(
        "INVALID_REQUEST",
        `at most ${QUEUE_LIMITS.sendBatchMessages} messages in one send, not ${messages.length}`,
      );
    }
    return this.sendTransaction(tenant, name, messages, now);
  }
}

interface QueueStatsRow {
  depth: number;
  in_flight: number;
  delayed: number;
  oldest: number | null;
}
