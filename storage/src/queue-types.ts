// The storage contract of queues and topics (issue 10): SQS/Workers-style queues with one consumer each,
// ordered queues (per-group order, one batch in flight per group), and topics that fan out to functions and
// queues in one transaction. Asynchronous, like the rest of the storage contract.
import type { FilterPolicy, MessageAttributes, QueueContentType } from "@skiff/core";

export interface Queue {
  tenant: string;
  name: string;
  /** Messages carry a `groupId`; each group is delivered strictly in send order, one batch at a time. */
  ordered: boolean;
  maxMessageBytes: number;
  retentionSeconds: number;
  createdAt: number;
}

export interface CreateQueueInput {
  ordered?: boolean;
  maxMessageBytes?: number;
  retentionSeconds?: number;
}

/** What the API shows of a queue's backlog. */
export interface QueueStats {
  /** Messages not yet delivered, in flight included. */
  depth: number;
  /** Messages leased by a consumer invocation now. */
  inFlight: number;
  /** Messages not yet due (sent with a delay, or waiting for a retry). */
  delayed: number;
  /** When the oldest undelivered message was sent, or null. */
  oldestMessageAt: number | null;
}

export interface QueueConsumer {
  functionName: string;
  batchSize: number;
  maxWaitMs: number;
  /** Deliveries after the first; then the message goes to `deadLetterQueue`, else the function's dead letters. */
  maxRetries: number;
  retryDelaySeconds: number;
  /** Batches in flight at once; null: the function's own concurrency. */
  concurrency: number | null;
  deadLetterQueue: string | null;
  updatedAt: number;
}

export interface QueueConsumerInput {
  functionName: string;
  batchSize?: number;
  maxWaitMs?: number;
  maxRetries?: number;
  retryDelaySeconds?: number;
  concurrency?: number | null;
  deadLetterQueue?: string | null;
}

/** A message to store: the body as held (text as a string, bytes as base64), already validated by the producer. */
export interface QueueMessageInput {
  body: unknown;
  contentType: QueueContentType;
  attributes?: MessageAttributes;
  delaySeconds?: number;
  /** Required by ordered queues, refused by the others. */
  groupId?: string;
  /** A second message with this id within 5 minutes is dropped (`duplicate`, with the first one's id). */
  deduplicationId?: string;
}

export interface SentMessage {
  id: string;
  duplicate: boolean;
}

/**
 * Every method throws `TENANT_NOT_FOUND` for an unknown tenant and `NOT_FOUND` for an unknown queue (except
 * `get`, which answers undefined, and `create`).
 */
export interface QueueRepository {
  /** Throws `CONFLICT` if the tenant has it already, `INVALID_NAME`, `INVALID_REQUEST` for limits out of range. */
  create(tenant: string, name: string, input: CreateQueueInput, now: number): Promise<Queue>;
  get(tenant: string, name: string): Promise<Queue | undefined>;
  /** Sorted by name. */
  list(tenant: string): Promise<Queue[]>;
  /** Deletes it with its messages. Throws `CONFLICT` while it is another queue's dead-letter queue. */
  delete(tenant: string, name: string): Promise<void>;
  stats(tenant: string, name: string, now: number): Promise<QueueStats>;
  /**
   * Creates or replaces the queue's consumer. Throws `FUNCTION_NOT_FOUND`, `NOT_FOUND` for an unknown dead-letter
   * queue, `INVALID_REQUEST` for a dead-letter queue that is the queue itself or settings out of range.
   */
  setConsumer(tenant: string, name: string, input: QueueConsumerInput, now: number): Promise<QueueConsumer>;
  getConsumer(tenant: string, name: string): Promise<QueueConsumer | undefined>;
  /** Throws `NOT_FOUND` if it has none. */
  removeConsumer(tenant: string, name: string): Promise<void>;
  /**
   * Stores messages in ONE transaction (all or none), committed before it resolves. Throws `PAYLOAD_TOO_LARGE`
   * for a message over the queue's limit, `INVALID_REQUEST` for a missing/extra `groupId` or a bad body.
   */
  send(tenant: string, name: string, messages: QueueMessageInput[], now: number): Promise<SentMessage[]>;
}

export interface LeasedQueueMessage {
  id: string;
  /** The queue's send order. */
  seq: number;
  body: unknown;
  contentType: QueueContentType;
  attributes: MessageAttributes | null;
  groupId: string | null;
  deduplicationId: string | null;
  /** Deliveries started so far, this one included. */
  attempts: number;
  createdAt: number;
}

/** Messages of one queue leased together for one consumer invocation. */
export interface QueueBatch {
  batchId: string;
  tenant: string;
  queue: string;
  ordered: boolean;
  consumer: QueueConsumer;
  /** In send order; in an ordered queue all of one group. */
  messages: LeasedQueueMessage[];
  leaseExpiresAt: number;
}

/**
 * The consumer side: leases batches for delivery with an expiry, like the async event queue, so a crashed
 * process's batches are delivered again. Methods taking an `owner` are no-ops unless it still holds the lease.
 */
export interface QueueDelivery {
  /**
   * Leases up to `maxBatches` batches over every queue with a consumer, each within its consumer's batch size,
   * batch window (`maxWaitMs`) and concurrency; an ordered queue gives a group no batch while one is in flight
   * or its first message is not due. `wakeAt`: when something not leasable now may become so (a batch window
   * closing, a delayed message coming due, a lease running out), for the dispatcher's sleep.
   */
  lease(
    now: number,
    owner: string,
    leaseMs: number,
    maxBatches: number,
    /** The concurrency of a consumer that leaves it to its function (null); default 1. */
    defaultConcurrency?: (tenant: string, functionName: string) => number,
  ): Promise<{ batches: QueueBatch[]; wakeAt: number | undefined }>;
  extendLease(batchId: string, owner: string, until: number): Promise<void>;
  /** Delivered: deleted. */
  complete(ids: string[], owner: string): Promise<void>;
  /** Failed: due again at `availableAt`. */
  retry(id: string, owner: string, availableAt: number, error: string): Promise<void>;
  /** Put back without counting the attempt (the platform refused, or an ordered batch held it back). */
  release(id: string, owner: string, availableAt: number): Promise<void>;
  /**
   * Failed for good: moved to the consumer's dead-letter queue (answers "queue"), or without one to the consumer
   * function's dead letters as a one-message queue event (answers "function"), in one transaction. Answers
   * "kept" when there is nowhere to put it (the consumer was removed meanwhile: it stays queued) or the lease
   * was lost.
   */
  deadLetter(id: string, owner: string, error: string, now: number): Promise<"queue" | "function" | "kept">;
  releaseAll(owner: string): Promise<number>;
  /** Deletes messages past their queue's retention; returns how many. */
  purgeExpired(now: number): Promise<number>;
}

export interface Topic {
  tenant: string;
  name: string;
  createdAt: number;
}

export interface TopicSubscription {
  id: string;
  topic: string;
  /** Exactly one of `functionName` and `queue`. */
  functionName: string | null;
  queue: string | null;
  filterPolicy: FilterPolicy | null;
  createdAt: number;
}

export interface SubscriptionInput {
  functionName?: string;
  queue?: string;
  filterPolicy?: FilterPolicy | null;
}

export interface PublishInput {
  /** Any JSON value; Lambda subscribers see it as SNS `Message` (a string as is, anything else as JSON). */
  message: unknown;
  attributes?: MessageAttributes;
  /** For ordered queue subscribers: the group (default the topic's name). */
  groupId?: string;
}

export interface PublishResult {
  messageId: string;
  /** Deliveries enqueued: one per matching subscription. */
  deliveries: number;
}

/** Every method throws `TENANT_NOT_FOUND`, and `NOT_FOUND` for an unknown topic (except `get` and `create`). */
export interface TopicRepository {
  /** Throws `CONFLICT`, `INVALID_NAME`. */
  create(tenant: string, name: string, now: number): Promise<Topic>;
  get(tenant: string, name: string): Promise<Topic | undefined>;
  list(tenant: string): Promise<Array<Topic & { subscriptions: number }>>;
  delete(tenant: string, name: string): Promise<void>;
  /** Throws `FUNCTION_NOT_FOUND`, `NOT_FOUND` (queue), `INVALID_REQUEST` (not exactly one target, too many). */
  subscribe(tenant: string, topic: string, input: SubscriptionInput, now: number): Promise<TopicSubscription>;
  subscriptions(tenant: string, topic: string): Promise<TopicSubscription[]>;
  /** Throws `NOT_FOUND`. */
  unsubscribe(tenant: string, topic: string, id: string): Promise<void>;
  /**
   * Enqueues one delivery per subscription whose filter policy matches, in ONE transaction: all or none. A
   * function subscription becomes an async event (kind "queue", an SNS record for Lambda), a queue subscription
   * a message of that queue.
   */
  publish(tenant: string, topic: string, input: PublishInput, now: number): Promise<PublishResult>;
}
