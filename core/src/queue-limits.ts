// Defaults and ranges of queues, their consumers and topics (issue 10), next to DESIGN §5's other limits.

export const QUEUE_LIMITS = {
  /** One message's body (its JSON text, its text, or its bytes) plus its attributes as JSON. */
  messageBytes: { default: 256 * 1024, min: 1024, max: 1024 * 1024 },
  /** How long an undelivered message is kept: SQS's 4-day default, 60 s to 14 days. */
  retentionSeconds: { default: 4 * 24 * 3600, min: 60, max: 14 * 24 * 3600 },
  /** Messages per consumer invocation. */
  batchSize: { default: 10, min: 1, max: 100 },
  /** Longest a message waits for its batch to fill. */
  maxWaitMs: { default: 1000, min: 0, max: 60_000 },
  /** Deliveries after the first before a message goes to the dead-letter queue (Workers' max_retries). */
  maxRetries: { default: 3, min: 0, max: 100 },
  /** Wait before a failed message is delivered again, unless its handler said otherwise. */
  retryDelaySeconds: { default: 0, min: 0, max: 43_200 },
  /** Batches of one queue in flight at once; default: the consumer function's concurrency. */
  concurrency: { min: 1, max: 1000 },
  /** `send(body, {delaySeconds})`: Workers' 12-hour bound. */
  delaySeconds: { max: 43_200 },
  /** Messages in one `sendBatch` or one POST of messages. */
  sendBatchMessages: 100,
  /** A `deduplicationId` drops messages sent again with it within this window (SQS FIFO's 5 minutes). */
  deduplicationWindowMs: 5 * 60_000,
  /** Group and deduplication ids: SQS FIFO's 128 characters. */
  idChars: 128,
  /** Subscriptions per topic. */
  subscriptions: 100,
} as const;
