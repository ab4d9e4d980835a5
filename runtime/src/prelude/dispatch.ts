// Runs one event against the tenant module and reduces the outcome to a fixed plain shape for the host:
// nothing tenant-controlled crosses back except strings, numbers, bytes and JSON-safe values.
import { type BindingDescriptor, bindingObjects } from "./bindings/index.js";
import { console, drainLogs } from "./console.js";
import { Request } from "./fetch/request.js";
import { Response } from "./fetch/response.js";
import { findHandlers, type Handlers, type LambdaHandler } from "./handlers.js";
import { resetHostCalls } from "./host.js";
import { inspect } from "./inspect.js";
import type { InvocationMeta, PlainEvent, PlainHttpEvent } from "./invocation-events.js";
import { lambdaContext } from "./lambda/context.js";
import { queueLambdaEvent, scheduledLambdaEvent } from "./lambda/events.js";
import { toLambdaHttpEvent } from "./lambda/http-event.js";
import { lambdaResultToResponse, toJsonText } from "./lambda/http-result.js";
import { type ResponseHead, sendResponse } from "./respond.js";
import { resetTimers } from "./timers.js";
import { messageBatch } from "./workers/message-batch.js";
import { scheduledController } from "./workers/scheduled-controller.js";

export interface PlainError {
  name: string;
  message: string;
  stack?: string;
}

type RetryList = Array<{ id: string; delaySeconds?: number }>;

export interface DispatchResult {
  outcome: "ok" | "exception" | "invalidResponse";
  /** Status and headers of the HTTP response; its body already went to the host. */
  response?: ResponseHead;
  value?: unknown;
  noRetry?: boolean;
  queue?: { retry: RetryList };
  error?: PlainError;
  logs: ReturnType<typeof drainLogs>["logs"];
  droppedLogLines: number;
}

type Outcome = Omit<DispatchResult, "logs" | "droppedLogLines">;

/** Thrown for a handler result that is not a valid response: reported as `invalidResponse`, not `exception`. */
class InvalidResponse extends TypeError {}

let handlers: Handlers = { kind: "none" };
let env: Readonly<Record<string, unknown>> = Object.freeze({});

/** Called once per isolate after the tenant module is evaluated. */
export function setup(
  namespace: Record<string, unknown>,
  values: Record<string, unknown>,
  bindings: BindingDescriptor[] = [],
): void {
  handlers = findHandlers(namespace);
  env = Object.freeze({ ...values, ...bindingObjects(bindings) });
}

function toPlainError(error: unknown): PlainError {
  if (error instanceof Error) {
    const plain: PlainError = { name: String(error.name), message: String(error.message) };
    if (typeof error.stack === "string") plain.stack = error.stack;
    return plain;
  }
  return { name: "Error", message: `Uncaught ${inspect(error)} (throw an Error to get a stack trace)` };
}

function missing(what: string): TypeError {
  return new TypeError(
    `the module has no ${what}: export default { async ${what}(…) { … } } (Workers) or export const handler = async (event, context) => … (Lambda)`,
  );
}

/** Calls a Lambda handler, async or callback style. */
function callLambda(handler: LambdaHandler, event: unknown, meta: InvocationMeta): Promise<unknown> {
  const context = lambdaContext(meta, env);
  if (handler.length < 3) return Promise.resolve(handler(event, context));
  return new Promise((resolve, reject) => {
    const returned = handler(event, context, (error: unknown, value: unknown) => {
      if (error !== null && error !== undefined) reject(error);
      else resolve(value);
    });
    if (
      returned !== null &&
      typeof returned === "object" &&
      typeof (returned as Promise<unknown>).then === "function"
    ) {
      (returned as Promise<unknown>).then(resolve, reject);
    }
  });
}

async function respond(returned: unknown): Promise<Outcome> {
  if (!(returned instanceof Response)) {
    throw new InvalidResponse(`the fetch handler must return a Response, got ${inspect(returned)}`);
  }
  return { outcome: "ok", response: await sendResponse(returned) };
}

async function runHttp(event: PlainHttpEvent, meta: InvocationMeta, ctx: object): Promise<Outcome> {
  if (handlers.kind === "lambda") {
    const value = await callLambda(handlers.handler, toLambdaHttpEvent(event, meta, Date.now()), meta);
    let response: Response;
    try {
      response = lambdaResultToResponse(value);
    } catch (error) {
      throw new InvalidResponse((error as Error).message);
    }
    return { outcome: "ok", response: await sendResponse(response) };
  }
  if (handlers.kind !== "workers" || handlers.fetch === undefined) throw missing("fetch");
  const request = new Request(event.url, { method: event.method, headers: event.headers, body: event.body });
  return respond(await handlers.fetch.call(handlers.target, request, env, ctx));
}

async function run(event: PlainEvent, meta: InvocationMeta, ctx: object): Promise<Outcome> {
  switch (event.kind) {
    case "http":
      return runHttp(event, meta, ctx);
    case "invoke": {
      if (handlers.kind === "lambda") {
        const value = await callLambda(handlers.handler, event.payload, meta);
        return {
          outcome: "ok",
          value: value === undefined ? null : JSON.parse(toJsonText(value, "the handler's return value")),
        };
      }
      // A Workers module is invoked like an HTTP POST of the JSON payload.
      const body = new TextEncoder().encode(toJsonText(event.payload, "the payload"));
      return runHttp(
        {
          kind: "http",
          method: "POST",
          url: `https://${meta.functionName}.${meta.tenant}.invoke/`,
          headers:
            meta.eventId === undefined
              ? [["content-type", "application/json"]]
              : [
                  ["content-type", "application/json"],
                  ["x-skiff-event-id", meta.eventId],
                ],
          body,
        },
        meta,
        ctx,
      );
    }
    case "scheduled": {
      if (handlers.kind === "lambda") {
        await callLambda(handlers.handler, scheduledLambdaEvent(event, meta), meta);
        return { outcome: "ok" };
      }
      if (handlers.kind !== "workers" || handlers.scheduled === undefined) throw missing("scheduled");
      const { controller, noRetry } = scheduledController(event);
      try {
        await handlers.scheduled.call(handlers.target, controller, env, ctx);
      } catch (error) {
        return { ...failure(error), noRetry: noRetry() };
      }
      return { outcome: "ok", noRetry: noRetry() };
    }
    case "queue": {
      if (handlers.kind === "lambda") {
        let value: unknown;
        try {
          value = await callLambda(handlers.handler, queueLambdaEvent(event, meta), meta);
        } catch (error) {
          return { ...failure(error), queue: { retry: event.messages.map((m) => ({ id: m.id })) } };
        }
        const failures = (value as { batchItemFailures?: unknown } | null)?.batchItemFailures;
        const ids = new Set(event.messages.map((m) => m.id));
        const retry = Array.isArray(failures)
          ? failures
              .map((f) => String((f as { itemIdentifier?: unknown } | null)?.itemIdentifier))
              .filter((id) => ids.has(id))
              .map((id) => ({ id }))
          : [];
        return { outcome: "ok", queue: { retry } };
      }
      if (handlers.kind !== "workers" || handlers.queue === undefined) throw missing("queue");
      const { batch, retries } = messageBatch(event);
      try {
        await handlers.queue.call(handlers.target, batch, env, ctx);
      } catch (error) {
        return { ...failure(error), queue: { retry: retries(false) } };
      }
      return { outcome: "ok", queue: { retry: retries(true) } };
    }
  }
}

function failure(error: unknown): Outcome {
  console.error("Uncaught", error instanceof Error ? error : inspect(error));
  return {
    outcome: error instanceof InvalidResponse ? "invalidResponse" : "exception",
    error: toPlainError(error),
  };
}

/** Entry point the host calls for every invocation. */
export async function dispatch(event: PlainEvent, meta: InvocationMeta): Promise<DispatchResult> {
  // Work left over from an earlier invocation (detached promises) must not show up in this one's record.
  resetTimers();
  drainLogs();
  const waitUntil: Promise<unknown>[] = [];
  const ctx = Object.freeze({
    waitUntil(promise: unknown) {
      waitUntil.push(Promise.resolve(promise));
    },
    passThroughOnException() {},
  });
  let outcome: Outcome;
  try {
    outcome = await run(event, meta, ctx);
  } catch (error) {
    outcome = failure(error);
  }
  // waitUntil work goes on after the response, within the bound the host enforces.
  const settled = await Promise.allSettled(waitUntil);
  for (const result of settled) {
    if (result.status === "rejected") console.error("Uncaught (in waitUntil)", result.reason);
  }
  resetTimers();
  resetHostCalls();
  const { logs, dropped } = drainLogs();
  return { ...outcome, logs, droppedLogLines: dropped };
}
