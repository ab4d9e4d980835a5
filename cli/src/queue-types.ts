// What the CLI sends and reads for queues and topics (issue 10); the calls themselves are in api-client.ts.

export interface QueueConsumerInfo {
  function: string;
  batchSize: number;
  maxWaitMs: number;
  maxRetries: number;
  retryDelaySeconds: number;
  concurrency: number | null;
  deadLetterQueue: string | null;
}

export interface QueueInfo {
  name: string;
  ordered: boolean;
  maxMessageBytes: number;
  retentionSeconds: number;
  createdAt: number;
  depth: number;
  inFlight: number;
  delayed: number;
  oldestMessageAgeMs: number | null;
  consumer: QueueConsumerInfo | null;
}

export interface CreateQueueRequest {
  ordered?: boolean;
  maxMessageBytes?: number;
  retentionSeconds?: number;
}

export type MessageAttributeInput = string | number | Array<string | number | boolean | null>;

export interface QueueMessageRequest {
  body: unknown;
  contentType?: "json" | "text" | "bytes";
  delaySeconds?: number;
  groupId?: string;
  deduplicationId?: string;
  attributes?: Record<string, MessageAttributeInput>;
}

export interface SentMessageInfo {
  id: string;
  duplicate: boolean;
}

export interface QueueConsumerRequest {
  function: string;
  batchSize?: number;
  maxWaitMs?: number;
  maxRetries?: number;
  retryDelaySeconds?: number;
  concurrency?: number;
  deadLetterQueue?: string;
}

export interface TopicInfo {
  name: string;
  createdAt: number;
  subscriptions: number;
}

export interface SubscriptionRequest {
  function?: string;
  queue?: string;
  filterPolicy?: unknown;
}

export interface SubscriptionInfo {
  id: string;
  topic: string;
  function: string | null;
  queue: string | null;
  filterPolicy: unknown;
  createdAt: number;
}

export interface PublishRequest {
  message: unknown;
  attributes?: Record<string, MessageAttributeInput>;
  groupId?: string;
}

export interface PublishInfo {
  messageId: string;
  deliveries: number;
}
