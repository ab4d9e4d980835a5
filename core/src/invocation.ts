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
}

export type InvocationEvent = HttpEvent;

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

export interface InvocationResult {
  invocationId: string;
  outcome: Outcome;
  response?: HttpResponse;
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
