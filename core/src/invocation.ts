// What flows through an invocation: the event in, the result out, the record kept afterwards.

/** A header list in wire order; names are lowercase. Pairs, not an object, so repeated headers survive. */
export type HeaderList = Array<[name: string, value: string]>;

/** What triggered an invocation. */
export type TriggerKind = "http" | "cron" | "storage" | "webhook" | "queue" | "invoke";

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
}

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
}

/** One stored invocation: what `GET …/invocations` lists. */
export interface InvocationRecord {
  id: string;
  tenant: string;
  functionName: string;
  version: number;
  trigger: TriggerKind;
  startedAt: number;
  outcome: Outcome;
  status: number;
  cold: boolean;
  cpuMs: number;
  wallMs: number;
  error?: InvocationError;
  logs: LogLine[];
  droppedLogLines: number;
}
