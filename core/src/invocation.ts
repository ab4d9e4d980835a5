// What flows through an invocation: the event in, the result out, the record kept afterwards.
import type { MessageAttributes } from "./message-attributes.js";

/** A header list in wire order; names are lowercase. Pairs, not an object, so repeated headers survive. */
export type HeaderList = Array<[name: string, value: string]>;

/** What triggered an invocation; `service`: another function's service binding (`env.AUTH.fetch`). */
export type TriggerKind = "http" | "cron" | "storage" | "webhook" | "queue" | "invoke" | "service";

/** An HTTP request as it crosses into the runtime: bytes, never object graphs. */
export interface HttpEvent {
  kind: "http";
  method: string;
  /** Absolute URL as the function sees it (path below its mount). */
  url: string;
  headers: HeaderList;
  body: Uint8Array | null;
  /** The client's address, for Lambda's `requestContext.http.sourceIp`. */
  clientIp?: string;
}

/** A direct invoke with a JSON payload (Lambda's Invoke API). */
export interface InvokeEvent {
  kind: "invoke";
  payload: unknown;
}

/** A cron tick: Workers `scheduled(controller)`, Lambda EventBridge "Scheduled Event". */
export interface ScheduledEvent {
  kind: "scheduled";
  cron: string;
  /** Epoch ms the run was scheduled for. */
  scheduledTime: number;
}

export interface QueueMessage {
  id: string;
  /** Epoch ms the message was sent. */
  timestamp: number;
  body: unknown;
  /** 1 on first delivery. */
  attempts: number;
  /** How `body` is held: a JSON value (json, v8: the default), a string (text), or base64 of the bytes (bytes). */
  contentType?: QueueContentType;
  /** Queue and topic messages: the attributes they were sent with (what filter policies match on). */
  attributes?: MessageAttributes;
  /** Ordered queues: the message's group, its deduplication id and its place in the queue's send order. */
  groupId?: string;
  deduplicationId?: string;
  sequenceNumber?: string;
}

/** Workers Queues' content types; `v8` is taken as `json` (bodies cross processes as JSON). */
export type QueueContentType = "json" | "text" | "bytes" | "v8";

/** A batch of messages: Workers `queue(batch)`; Lambda gets `lambdaEvent` if the producer gave one, else SQS records. */
export interface QueueEvent {
  kind: "queue";
  queue: string;
  messages: QueueMessage[];
  lambdaEvent?: unknown;
}

export type InvocationEvent = HttpEvent | InvokeEvent | ScheduledEvent | QueueEvent;

/** The plain shape a handler's response is reduced to inside the isolate. */
export interface HttpResponse {
  status: number;
  statusText: string;
  headers: HeaderList;
  body: Uint8Array;
}

/** How an invocation ended. */
export type Outcome =
  | "ok"
  | "exception"
  | "exceededCpu"
  | "exceededMemory"
  | "timeout"
  | "crashed"
  | "invalidResponse"
  | "canceled";

export type LogLevel = "debug" | "info" | "log" | "warn" | "error";

export interface LogLine {
  level: LogLevel;
  message: string;
  /** Epoch milliseconds. */
  ts: number;
}

export interface InvocationError {
  name: string;
  message: string;
  stack?: string;
  /** Set for compile errors: the 1-based line the error points at. */
  line?: number;
}

/** What a queue handler decided per message; messages not listed were acknowledged. */
export interface QueueDecisions {
  retry: Array<{ id: string; delaySeconds?: number }>;
}

export interface InvocationResult {
  invocationId: string;
  outcome: Outcome;
  /** The HTTP response; for a streamed one, status and headers with an empty body (the body went to `onResponse`). */
  response?: HttpResponse;
  /** For direct invokes of Lambda handlers: the JSON-safe value the handler returned. */
  value?: unknown;
  /** A scheduled handler called `controller.noRetry()`. */
  noRetry?: boolean;
  /** Queue handlers: messages to retry. */
  queue?: QueueDecisions;
  error?: InvocationError;
  cold: boolean;
  cpuMs: number;
  wallMs: number;
  logs: LogLine[];
  /** Lines dropped because the per-invocation log buffer was full. */
  droppedLogLines: number;
  /**
   * The isolate's heap in use when the invocation ended (JS heap + external memory such as ArrayBuffers), before
   * any later collection, so the garbage it made still counts. Absent when the isolate did not survive. Measured
   * on cold starts, after invocations that used 1 ms of CPU or more, and on every 16th warm invocation of an
   * isolate; a cheaper warm invocation carries its isolate's last figure (reading the heap costs more than it).
   */
  peakHeapBytes?: number;
  /**
   * Bytes of the invocation's outbound `fetch` traffic: request bodies sent plus response bodies received (as
   * they came over the wire, before decoding). Absent when it made none or the worker could not tell.
   */
  egressBytes?: number;
}

/** One stored invocation: what `GET …/invocations` lists. */
export interface InvocationRecord {
  id: string;
  tenant: string;
  functionName: string;
  version: number;
  trigger: TriggerKind;
  /** Service binding calls: the invocation whose `env.NAME.fetch` started this one. */
  parentInvocationId?: string;
  startedAt: number;
  outcome: Outcome;
  status: number;
  cold: boolean;
  cpuMs: number;
  wallMs: number;
  /** See `InvocationResult.peakHeapBytes`; absent when unknown (the isolate was disposed or crashed). */
  peakHeapBytes?: number;
  /** See `InvocationResult.egressBytes`: outbound fetch bytes, for usage metering; absent means none. */
  egressBytes?: number;
  error?: InvocationError;
  /** The `console.*` lines, in order; a capped invocation ends with a warn line saying how many were dropped. */
  logs: LogLine[];
  /** Lines the invocation printed past its log cap: counted here, not kept. */
  droppedLogLines: number;
}
