// Plain shapes of the events and metadata the host passes to `dispatch` (mirrors @skiff/core's event types).

export interface PlainHttpEvent {
  kind: "http";
  method: string;
  url: string;
  headers: Array<[string, string]>;
  body: Uint8Array | null;
  clientIp?: string;
  /** Set by the host when `url` is already in its WHATWG-serialized form (no need to parse it again). */
  urlSerialized?: boolean;
}

export interface PlainInvokeEvent {
  kind: "invoke";
  payload: unknown;
}

export interface PlainScheduledEvent {
  kind: "scheduled";
  cron: string;
  scheduledTime: number;
}

export interface PlainQueueMessage {
  id: string;
  timestamp: number;
  body: unknown;
  attempts: number;
  /** "bytes": `body` is base64 text of the bytes; "text": a string; otherwise a JSON value. */
  contentType?: string;
  attributes?: Record<string, unknown>;
  groupId?: string;
  deduplicationId?: string;
  sequenceNumber?: string;
}

export interface PlainQueueEvent {
  kind: "queue";
  queue: string;
  messages: PlainQueueMessage[];
  lambdaEvent?: unknown;
}

export type PlainEvent = PlainHttpEvent | PlainInvokeEvent | PlainScheduledEvent | PlainQueueEvent;

/** About the invocation, for Lambda's `context` and request ids. */
export interface InvocationMeta {
  invocationId: string;
  tenant: string;
  functionName: string;
  version: number;
  memoryMb: number;
  /** Epoch ms by which the handler must finish. */
  deadline: number;
  /** The async event's stable id (idempotency key), the same on every retry. */
  eventId?: string;
}
