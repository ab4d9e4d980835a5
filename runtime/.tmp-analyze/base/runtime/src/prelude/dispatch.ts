// Runs one event against the tenant module and reduces the outcome to a fixed plain shape for the host:
// nothing tenant-controlled crosses back except strings, numbers and bytes.
import { drainLogs } from "./console.js";
import { Body } from "./fetch/body.js";
import { Request } from "./fetch/request.js";
import { Response } from "./fetch/response.js";
import { resetHostCalls } from "./host.js";
import { inspect } from "./inspect.js";
import { resetTimers } from "./timers.js";

export interface PlainHttpEvent {
  kind: "http";
  method: string;
  url: string;
  headers: Array<[string, string]>;
  body: Uint8Array | null;
}

export interface PlainError {
  name: string;
  message: string;
  stack?: string;
}

export interface PlainResult {
  outcome: "ok" | "exception" | "invalidResponse";
  response?: { status: number; statusText: string; headers: Array<[string, string]>; body: Uint8Array };
  error?: PlainError;
  logs: ReturnType<typeof drainLogs>["logs"];
  droppedLogLines: number;
}

interface WorkerModule {
  fetch?: (request: Request, env: unknown, ctx: unknown) => unknown;
}

let handlers: WorkerModule | null = null;
let env: Readonly<Record<string, string>> = Object.freeze({});

/** Called once per isolate after the tenant module is evaluated. */
export function setup(namespace: Record<string, unknown>, vars: Record<string, string>): void {
  const exported = namespace.default;
  handlers = typeof exported === "object" && exported !== null ? (exported as WorkerModule) : {};
  env = Object.freeze({ ...vars });
}

function toPlainError(error: unknown): PlainError {
  if (error instanceof Error) {
    const plain: PlainError = { name: String(error.name), message: String(error.message) };
    if (typeof error.stack === "string") plain.stack = error.stack;
    return plain;
  }
  return { name: "Error", message: `Uncaught ${inspect(error)}` };
}

function finish(result: Omit<PlainResult, "logs" | "droppedLogLines">): PlainResult {
  resetTimers();
  resetHostCalls();
  const { logs, dropped } = drainLogs();
  return { ...result, logs, droppedLogLines: dropped };
}

/** Entry point the host calls for every invocation. */
export async function dispatch(event: PlainHttpEvent): Promise<PlainResult> {
  const waitUntil: Promise<unknown>[] = [];
  try {
    const fetchHandler = handlers?.fetch;
    if (typeof fetchHandler !== "function") {
      throw new TypeError(
        "the module has no fetch handler: export default { async fetch(request, env, ctx) { … } }",
      );
    }
    const request = new Request(event.url, {
      method: event.method,
      headers: event.headers,
      body: event.body,
    });
    const ctx = Object.freeze({
      waitUntil(promise: unknown) {
        waitUntil.push(Promise.resolve(promise));
      },
      passThroughOnException() {},
    });
    const returned = await fetchHandler.call(handlers, request, env, ctx);
    // waitUntil work finishes within the invocation until responses can be streamed ahead of it.
    await Promise.allSettled(waitUntil);
    if (!(returned instanceof Response)) {
      return finish({
        outcome: "invalidResponse",
        error: {
          name: "TypeError",
          message: `fetch handler must return a Response, got ${inspect(returned)}`,
        },
      });
    }
    const headers: Array<[string, string]> = [];
    returned.headers.forEach((value, name) => {
      headers.push([name, value]);
    });
    const bytes = Body.peek(returned);
    return finish({
      outcome: "ok",
      response: {
        status: returned.status,
        statusText: returned.statusText,
        headers,
        body: bytes === null ? new Uint8Array(0) : bytes,
      },
    });
  } catch (error) {
    await Promise.allSettled(waitUntil);
    return finish({ outcome: "exception", error: toPlainError(error) });
  }
}
