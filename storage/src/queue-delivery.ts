// Leasing queue messages to consumers (issue 10): batches within each consumer's size, window and concurrency;
// ordered queues give each group one batch at a time, starting at its first message, so a group is delivered
// strictly in send order while the other groups go on. Leases expire, as in the async event queue, so the
// batches of a process that died are delivered again; every lease is taken in one IMMEDIATE transaction, so
// two processes sharing the file never lease the same message.
import { type MessageAttributes, type QueueContentType, newId as randomId } from "@skiff/core";
import type { Database, Statement } from "better-sqlite3";
import { QueueLookup } from "./queue-lookup.js";
import { QueueMessageWriter } from "./queue-message-writer.js";
import { toConsumer } from "./queue-repository.js";
import type { LeasedQueueMessage, QueueBatch, QueueDelivery } from "./queue-types.js";

interface ActiveQueueRow {
  queue_id: number;
  queue: string;
  tenant: string;
  ordered: number;
  function_name: string;
  batch_size: number;
  max_wait_ms: number;
  max_retries: number;
  retry_delay_seconds: number;
  concurrency: number | null;
  dead_letter_queue: string | null;
  updated_at: number;
}

interface MessageRow {
  seq: number;
  id: string;
  body: string;
  content_type: QueueContentType;
  attributes: string | null;
  group_id: string | null;
  deduplication_id: string | null;
  attempts: number;
  created_at: number;
  available_at: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
}

interface DeadLetterSource {
  seq: number;
  id: string;
  queue: string;
  body: string;
  content_type: QueueContentType;
  attributes: string | null;
  group_id: string | null;
  deduplication_id: string | null;
  attempts: number;
  created_at: number;
  function_id: number | null;
  dead_letter_queue_id: number | null;
}

const MESSAGE_COLUMNS = `seq, id, body, content_type, attributes, group_id, deduplication_id, attempts,
  created_at, available_at, lease_owner, lease_expires_at`;

type LeaseResult = { batches: QueueBatch[]; wakeAt: number | undefined };

/** The concurrency of a consumer that leaves it to its function (null): asked of the caller's routing table. */
export type DefaultConcurrency = (tenant: string, functionName: string) => number;

export class SqliteQueueDelivery implements QueueDelivery {
  private readonly activeQueues: Statement<[], ActiveQueueRow>;
  private readonly inFlightBatches: Statement<[number, number], { n: number }>;
  private readonly dueMessages: Statement<[number, number, number, number], MessageRow>;
  private readonly groupHeads: Statement<[number], { group_id: string; head: number }>;
  private readonly bySeq: Statement<[number], MessageRow>;
  private readonly groupPrefix: Statement<[number, string, number], MessageRow>;
  private readonly nextDueOf: Statement<[number, number], { at: number | null }>;
  private readonly nextExpiryOf: Statement<[number], { at: number | null }>;
  private readonly setLease: Statement<[string, number, string, number]>;
  private readonly extend: Statement<[number, string, string]>;
  private readonly remove: Statement<[string, string]>;
  private readonly releaseCounted: Statement<[number, string | null, string, string]>;
  private readonly releaseUncounted: Statement<[number, string, string]>;
  private readonly releaseOwner: Statement<[string]>;
  private readonly purge: Statement<[number]>;
  private readonly deadLetterSource: Statement<[string, string], DeadLetterSource>;
  private readonly removeById: Statement<[string]>;
  private readonly insertDeadLetter: Statement<[string, number, string, number, number, number, string]>;
  private readonly queues: QueueLookup;
  private readonly writer: QueueMessageWriter;
  private readonly leaseTransaction: (
    now: number,
    owner: string,
    leaseMs: number,
    maxBatches: number,
    defaultConcurrency: DefaultConcurrency,
  ) => LeaseResult;
  private readonly completeTransaction: (ids: string[], owner: string) => void;
  private readonly deadLetterTransaction: (
    id: string,
    owner: string,
    error: string,
    now: number,
  ) => "queue" | "function" | "kept";

  constructor(
    db: Database,
    private readonly newId: () => string = randomId,
  ) {
    this.queues = new QueueLookup(db);
    this.writer = new QueueMessageWriter(db, newId);
    // Only queues holding messages: an idle consumer costs nothing per tick.
    this.activeQueues = db.prepare(`
      SELECT q.id AS queue_id, q.name AS queue, t.name AS tenant, q.ordered, f.name AS function_name,
        c.batch_size, c.max_wait_ms, c.max_retries, c.retry_delay_seconds, c.concurrency,
        d.name AS dead_letter_queue, c.updated_at
      FROM queue_consumers c
      JOIN queues q ON q.id = c.queue_id
      JOIN tenants t ON t.id = q.tenant_id
      JOIN functions f ON f.id = c.function_id
      LEFT JOIN queues d ON d.id = c.dead_letter_queue_id
      WHERE EXISTS (SELECT 1 FROM queue_messages m WHERE m.queue_id = q.id)
      ORDER BY q.id`);
    this.inFlightBatches = db.prepare(`
      SELECT count(DISTINCT lease_batch) AS n FROM queue_messages INDEXED BY queue_messages_leased
      WHERE queue_id = ? AND lease_owner IS NOT NULL AND lease_expires_at > ?`);
    this.dueMessages = db.prepare(`
      SELECT ${MESSAGE_COLUMNS} FROM queue_messages INDEXED BY queue_messages_due
      WHERE queue_id = ? AND available_at <= ? AND (lease_owner IS NULL OR lease_expires_at <= ?)
      ORDER BY available_at, seq LIMIT ?`);
    this.groupHeads = db.prepare(`
      SELECT group_id, min(seq) AS head FROM queue_messages INDEXED BY queue_messages_by_group
      WHERE queue_id = ? AND group_id IS NOT NULL GROUP BY group_id`);
    this.bySeq = db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM queue_messages WHERE seq = ?`);
    this.groupPrefix = db.prepare(`
      SELECT ${MESSAGE_COLUMNS} FROM queue_messages INDEXED BY queue_messages_by_group
      WHERE queue_id = ? AND group_id = ? ORDER BY seq LIMIT ?`);
    this.nextDueOf = db.prepare(
      "SELECT min(available_at) AS at FROM queue_messages WHERE queue_id = ? AND available_at > ?",
    );
    this.nextExpiryOf = db.prepare(`
      SELECT min(lease_expires_at) AS at FROM queue_messages INDEXED BY queue_messages_leased
      WHERE queue_id = ? AND lease_owner IS NOT NULL`);
    this.setLease = db.prepare(`
      UPDATE queue_messages SET lease_owner = ?, lease_expires_at = ?, lease_batch = ?, attempts = attempts + 1
      WHERE seq = ?`);
    this.extend = db.prepare(
      "UPDATE queue_messages SET lease_expires_at = ? WHERE lease_batch = ? AND lease_owner = ?",
    );
    this.remove = db.prepare("DELETE FROM queue_messages WHERE id = ? AND lease_owner = ?");
    this.releaseCounted = db.prepare(`
      UPDATE queue_messages SET available_at = ?, last_error = coalesce(?, last_error), lease_owner = NULL,
        lease_expires_at = NULL, lease_batch = NULL
      WHERE id = ? AND lease_owner = ?`);
    this.releaseUncounted = db.prepare(`
      UPDATE queue_messages SET available_at = ?, attempts = max(attempts - 1, 0), lease_owner = NULL,
        lease_expires_at = NULL, lease_batch = NULL
      WHERE id = ? AND lease_owner = ?`);
    this.releaseOwner = db.prepare(`
      UPDATE queue_messages SET lease_owner = NULL, lease_expires_at = NULL, lease_batch = NULL
      WHERE lease_owner = ?`);
    this.purge = db.prepare("DELETE FROM queue_messages WHERE expires_at <= ? AND lease_owner IS NULL");
    this.deadLetterSource = db.prepare(`
      SELECT m.seq, m.id, q.name AS queue, m.body, m.content_type, m.attributes, m.group_id,
        m.deduplication_id, m.attempts, m.created_at, c.function_id, c.dead_letter_queue_id
      FROM queue_messages m
      JOIN queues q ON q.id = m.queue_id
      LEFT JOIN queue_consumers c ON c.queue_id = m.queue_id
      WHERE m.id = ? AND m.lease_owner = ?`);
    this.removeById = db.prepare("DELETE FROM queue_messages WHERE id = ?");
    this.insertDeadLetter = db.prepare(`
      INSERT INTO dead_letters (id, function_id, kind, payload, idempotency_key, attempts, created_at, failed_at,
        reason, last_error)
      VALUES (?, ?, 'queue', ?, NULL, ?, ?, ?, 'maxRetries', ?)`);

    const lease = db.transaction(
      (
        now: number,
        owner: string,
        leaseMs: number,
        maxBatches: number,
        defaultConcurrency: DefaultConcurrency,
      ): LeaseResult => {
        const batches: QueueBatch[] = [];
        let wakeAt: number | undefined;
        const wake = (at: number | null | undefined) => {
          if (at !== null && at !== undefined && (wakeAt === undefined || at < wakeAt)) wakeAt = at;
        };
        for (const queue of this.activeQueues.all()) {
          const consumer = toConsumer(queue);
          const limit = consumer.concurrency ?? defaultConcurrency(queue.tenant, queue.function_name);
          let slots = limit - (this.inFlightBatches.get(queue.queue_id, now)?.n ?? 0);
          const take = (rows: MessageRow[]) => {
            const batchId = this.newId();
            const leaseExpiresAt = now + leaseMs;
            for (const row of rows) this.setLease.run(owner, leaseExpiresAt, batchId, row.seq);
            batches.push({
              batchId,
              tenant: queue.tenant,
              queue: queue.queue,
              ordered: queue.ordered === 1,
              consumer,
              messages: rows.map(toLeased),
              leaseExpiresAt,
            });
            slots--;
          };
          const ready = (rows: MessageRow[], since: number) => {
            if (rows.length >= consumer.batchSize || since + consumer.maxWaitMs <= now) return true;
            // Not full and its window still open: lease it when the window closes or more arrive.
            wake(since + consumer.maxWaitMs);
            return false;
          };
          if (queue.ordered === 1) {
            const heads: MessageRow[] = [];
            for (const { head } of this.groupHeads.all(queue.queue_id)) {
              const row = this.bySeq.get(head);
              if (row === undefined) continue;
              // A batch always starts at its group's first message, so a leased first message is a group in
              // flight: the group waits for it, whatever else is due.
              if (row.lease_owner !== null && (row.lease_expires_at ?? 0) > now) continue;
              if (row.available_at > now) wake(row.available_at);
              else heads.push(row);
            }
            heads.sort((a, b) => a.available_at - b.available_at || a.seq - b.seq);
            for (const head of heads) {
              if (slots <= 0 || batches.length >= maxBatches) break;
              const group = this.groupPrefix.all(queue.queue_id, head.group_id as string, consumer.batchSize);
              const due: MessageRow[] = [];
              for (const row of group) {
                if (row.available_at > now) break;
                due.push(row);
              }
              if (ready(due, head.available_at)) take(due);
            }
          } else {
            while (slots > 0 && batches.length < maxBatches) {
              const due = this.dueMessages.all(queue.queue_id, now, now, consumer.batchSize);
              if (due.length === 0 || !ready(due, (due[0] as MessageRow).available_at)) break;
              take(due);
            }
            wake(this.nextDueOf.get(queue.queue_id, now)?.at);
          }
          wake(this.nextExpiryOf.get(queue.queue_id)?.at);
          if (batches.length >= maxBatches) break;
        }
        return { batches, wakeAt };
      },
    );
    this.leaseTransaction = (...args) => lease.immediate(...args);

    const complete = db.transaction((ids: string[], owner: string) => {
      for (const id of ids) this.remove.run(id, owner);
    });
    this.completeTransaction = (...args) => complete.immediate(...args);

    const deadLetter = db.transaction((id: string, owner: string, error: string, now: number) => {
      const source = this.deadLetterSource.get(id, owner);
      if (source === undefined) return "kept" as const;
      const target =
        source.dead_letter_queue_id === null ? undefined : this.queues.findById(source.dead_letter_queue_id);
      if (target === undefined && source.function_id === null) {
        // The consumer was removed while the batch ran: nobody to dead-letter for, so the message stays.
        this.releaseCounted.run(now, error, id, owner);
        return "kept" as const;
      }
      this.removeById.run(id);
      const body = JSON.parse(source.body) as unknown;
      const attributes =
        source.attributes === null ? undefined : (JSON.parse(source.attributes) as MessageAttributes);
      if (target !== undefined) {
        this.writer.write(
          target,
          {
            body,
            contentType: source.content_type,
            ...(attributes === undefined ? {} : { attributes }),
            // An ordered dead-letter queue keeps the message's group (one group for unordered sources).
            ...(target.ordered === 1 ? { groupId: source.group_id ?? "dead-letter" } : {}),
          },
          now,
          { id: source.id, lastError: error, trusted: true },
        );
        return "queue" as const;
      }
      // Without a dead-letter queue: the function's dead letters, as a one-message queue event to redrive.
      this.insertDeadLetter.run(
        source.id,
        source.function_id as number,
        JSON.stringify({
          kind: "queue",
          queue: source.queue,
          messages: [
            {
              id: source.id,
              timestamp: source.created_at,
              body,
              attempts: 0,
              contentType: source.content_type,
              ...(attributes === undefined ? {} : { attributes }),
              ...(source.group_id === null ? {} : { groupId: source.group_id }),
            },
          ],
        }),
        source.attempts,
        source.created_at,
        now,
        error,
      );
      return "function" as const;
    });
    this.deadLetterTransaction = (...args) => deadLetter.immediate(...args);
  }

  async lease(
    now: number,
    owner: string,
    leaseMs: number,
    maxBatches: number,
    defaultConcurrency: DefaultConcurrency = () => 1,
  ): Promise<LeaseResult> {
    if (!(maxBatches >= 1)) return { batches: [], wakeAt: undefined };
    return this.leaseTransaction(now, owner, leaseMs, Math.floor(maxBatches), defaultConcurrency);
  }

  async extendLease(batchId: string, owner: string, until: number): Promise<void> {
    this.extend.run(until, batchId, owner);
  }

  async complete(ids: string[], owner: string): Promise<void> {
    if (ids.length > 0) this.completeTransaction(ids, owner);
  }

  async retry(id: string, owner: string, availableAt: number, error: string): Promise<void> {
    this.releaseCounted.run(availableAt, error, id, owner);
  }

  async release(id: string, owner: string, availableAt: number): Promise<void> {
    this.releaseUncounted.run(availableAt, id, owner);
  }

  async deadLetter(
    id: string,
    owner: string,
    error: string,
    now: number,
  ): Promise<"queue" | "function" | "kept"> {
    return this.deadLetterTransaction(id, owner, error, now);
  }

  async releaseAll(owner: string): Promise<number> {
    return this.releaseOwner.run(owner).changes;
  }

  async purgeExpired(now: number): Promise<number> {
    return this.purge.run(now).changes;
  }
}

function toLeased(row: MessageRow): LeasedQueueMessage {
  return {
    id: row.id,
    seq: row.seq,
    body: JSON.parse(row.body) as unknown,
    contentType: row.content_type,
    attributes: row.attributes === null ? null : (JSON.parse(row.attributes) as MessageAttributes),
    groupId: row.group_id,
    deduplicationId: row.deduplication_id,
    attempts: row.attempts + 1,
    createdAt: row.created_at,
  };
}
