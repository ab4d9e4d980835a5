// Runs one event against the tenant module and reduces the outcome to a fixed plain shape for the host:
// nothing tenant-controlled crosses back except strings, numbers, bytes and JSON-safe values. Everything here
// runs after tenant code (its module ran first), so the path from the handler's result to the host uses the
// built-ins of intrinsics.ts; prelude objects that promises resolve with have no `then` anywhere on their
// prototype chain (their prototype is the frozen empty `BARE`, or none: `list`), and an
// async function here returns `await x`, never the promise x, so that no `then` tenant code replaced is called
// (`await` of a built-in promise does not look `then` up; lockdown.ts keeps Promise's `constructor` fixed).
import { type BindingDescriptor, bindingObjects } from "./bindings/index.js";
import { console, discardLogs, drainLogs } from "./console.js";
import { incomingRequest, Request } from "./fetch/request.js";
import { type Response, responseHead } from "./fetch/response.js";
import { findHandlers, type Handlers, type LambdaHandler } from "./handlers.js";
import { resetHostCalls } from "./host.js";
import { inspect } from "./inspect.js";
import {
  append,
  BARE,
  isError,
  JSONParse,
  list,
  ObjectFreeze,
  PromiseCtor,
  ReflectApply,
  StringCtor,
  TypeErrorCtor,
} from "./intrinsics.js";
import type { InvocationMeta, PlainEvent, PlainHttpEvent } from "./invocation-events.js";
import { lambdaContext } from "./lambda/context.js";
import { queueLambdaEvent, scheduledLambdaEvent } from "./lambda/events.js";
import { toLambdaHttpEvent } from "./lambda/http-event.js";
import { lambdaResultToResponse, toJsonText } from "./lambda/http-result.js";
import { type ResponseHead, type SentResponse, sendHeld, sendResponse } from "./respond.js";
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
  /** Status and headers of the HTTP response; its body already went to the host unless it is in `body`. */
  response?: ResponseHead;
  /**
   * The whole body of a response that was not sent through host calls: it travels with this result (a plain
   * response with no `waitUntil` work after it), sparing the host call and its answer.
   */
  body?: Uint8Array;
  value?: unknown;
  noRetry?: boolean;
  queue?: { retry: RetryList };
  error?: PlainError;
  logs: ReturnType<typeof drainLogs>["logs"];
  droppedLogLines: number;
}

type Outcome = Omit<DispatchResult, "logs" | "droppedLogLines">;

/** Thrown for a handler result that is not a valid response: reported as `invalidResponse`, not `exception`. */
class InvalidResponse extends TypeError {
  readonly #brand = true;

  /** A brand check: tenant code can reach this class through a caught error and redefine `instanceof`. */
  static is(value: unknown): boolean {
    return typeof value === "object" && value !== null && #brand in value;
  }
}

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
  if (isError(error)) {
    const plain: PlainError = { name: StringCtor(error.name), message: StringCtor(error.message) };
    try {
      // Read last: V8 formats the stack on first read (through a tenant's Error.prepareStackTrace, if set), and
      // a termination by the invocation's limit inside that formatting is swallowed, so tenant getters read
      // after it could loop beyond any limit.
      const stack = error.stack;
      if (typeof stack === "string") plain.stack = stack;
    } catch {
      // No stack, then.
    }
    return plain;
  }
  return { name: "Error", message: `Uncaught ${inspect(error)} (throw an Error to get a stack trace)` };
}

function missing(what: string): TypeError {
  return new TypeErrorCtor(
    `the module has no ${what}: export default { async ${what}(…) { … } } (Workers) or export const handler = async (event, context) => … (Lambda)`,
  );
}

/** Calls a Lambda handler, async or callback style. */
function callLambda(handler: LambdaHandler, event: unknown, meta: InvocationMeta): Promise<unknown> {
  const context = lambdaContext(meta, env);
  if (handler.length < 3) return new PromiseCtor((resolve) => resolve(handler(event, context)));
  return new PromiseCtor((resolve, reject) => {
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

/** The ok outcome for a response handed over, its body included when it was held back. */
function sent({ head, held }: SentResponse): Outcome {
  if (held === undefined) return { __proto__: BARE, outcome: "ok", response: head } as Outcome;
  return { __proto__: BARE, outcome: "ok", response: head, body: held } as Outcome;
}

async function respond(returned: unknown): Promise<Outcome> {
  if (responseHead(returned) === undefined) {
    throw new InvalidResponse(`the fetch handler must return a Response, got ${inspect(returned)}`);
  }
  return sent(await sendResponse(returned as Response));
}

async function runHttp(event: PlainHttpEvent, meta: InvocationMeta, ctx: object): Promise<Outcome> {
  if (handlers.kind === "lambda") {
    const value = await callLambda(handlers.handler, toLambdaHttpEvent(event, meta, Date.now()), meta);
    let response: Response;
    try {
      response = lambdaResultToResponse(value);
    } catch (error) {
      throw new InvalidResponse(isError(error) ? StringCtor(error.message) : inspect(error));
    }
    return sent(await sendResponse(response));
  }
  if (handlers.kind !== "workers" || handlers.fetch === undefined) throw missing("fetch");
  // No Object.prototype under it: the Request constructor reads other init fields (redirect, signal, …), and a
  // getter tenant code put there for them must not be handed this object (and through it the host's header list).
  const init = { __proto__: BARE, method: event.method, headers: event.headers, body: event.body };
  const request =
    event.urlSerialized === true ? incomingRequest(event.url, init) : new Request(event.url, init);
  const returned = ReflectApply(handlers.fetch, handlers.target, [request, env, ctx]);
  // A Response returned as is is used as is: awaiting it would look up a `then` that tenant code may have put
  // on Object.prototype.
  return await respond(responseHead(returned) === undefined ? await returned : returned);
}

async function run(event: PlainEvent, meta: InvocationMeta, ctx: object): Promise<Outcome> {
  switch (event.kind) {
    case "http":
      return await runHttp(event, meta, ctx);
    case "invoke": {
      if (handlers.kind === "lambda") {
        const value = await callLambda(handlers.handler, event.payload, meta);
        return {
          __proto__: BARE,
          outcome: "ok",
          value: value === undefined ? null : JSONParse(toJsonText(value, "the handler's return value")),
        } as Outcome;
      }
      // A Workers module is invoked like an HTTP POST of the JSON payload.
      const body = new TextEncoder().encode(toJsonText(event.payload, "the payload"));
      return await runHttp(
        {
          kind: "http",
          method: "POST",
          url: `https://${meta.functionName}.${meta.tenant}.invoke/`,
          // Function and tenant names are lowercase letters, digits and hyphens: nothing to normalize.
          urlSerialized: true,
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
        return { __proto__: BARE, outcome: "ok" } as Outcome;
      }
      if (handlers.kind !== "workers" || handlers.scheduled === undefined) throw missing("scheduled");
      const { controller, noRetry } = scheduledController(event);
      try {
        await ReflectApply(handlers.scheduled, handlers.target, [controller, env, ctx]);
      } catch (error) {
        return { __proto__: BARE, ...failure(error), noRetry: noRetry() } as Outcome;
      }
      return { __proto__: BARE, outcome: "ok", noRetry: noRetry() } as Outcome;
    }
    case "queue": {
      if (handlers.kind === "lambda") {
        let value: unknown;
        try {
          value = await callLambda(handlers.handler, queueLambdaEvent(event, meta), meta);
        } catch (error) {
          return {
            __proto__: BARE,
            ...failure(error),
            queue: { retry: event.messages.map((m) => ({ id: m.id })) },
          } as Outcome;
        }
        const failures = (value as { batchItemFailures?: unknown } | null)?.batchItemFailures;
        const ids = new Set(event.messages.map((m) => m.id));
        const retry = Array.isArray(failures)
          ? failures
              .map((f) => String((f as { itemIdentifier?: unknown } | null)?.itemIdentifier))
              .filter((id) => ids.has(id))
              .map((id) => ({ id }))
          : [];
        return { __proto__: BARE, outcome: "ok", queue: { retry } } as Outcome;
      }
      if (handlers.kind !== "workers" || handlers.queue === undefined) throw missing("queue");
      const { batch, retries } = messageBatch(event);
      try {
        await ReflectApply(handlers.queue, handlers.target, [batch, env, ctx]);
      } catch (error) {
        return { __proto__: BARE, ...failure(error), queue: { retry: retries(false) } } as Outcome;
      }
      return { __proto__: BARE, outcome: "ok", queue: { retry: retries(true) } } as Outcome;
    }
  }
}

function failure(error: unknown): Outcome {
  // The plain error first: it reads the name and message before the stack (see toPlainError).
  let plain: PlainError;
  try {
    plain = toPlainError(error);
  } catch {
    // Its name or message getter threw, or converting them to strings did.
    plain = { name: "Error", message: "Uncaught exception (its name or message could not be read)" };
  }
  console.error("Uncaught", isError(error) ? error : inspect(error));
  return {
    __proto__: BARE,
    outcome: InvalidResponse.is(error) ? "invalidResponse" : "exception",
    error: plain,
  } as Outcome;
}

/** What `rejections` of no promises gives: shared, frozen, without a prototype. */
const NO_REASONS: readonly unknown[] = ObjectFreeze(list());

/** Waits for every promise to settle and returns why those that failed did; never rejects. */
async function rejections(promises: unknown[]): Promise<readonly unknown[]> {
  if (promises.length === 0) return NO_REASONS;
  const reasons: unknown[] = list();
  for (let i = 0; i < promises.length; i++) {
    try {
      await new PromiseCtor((resolve) => resolve(promises[i]));
    } catch (reason) {
      append(reasons, reason);
    }
  }
  return reasons;
}

/** Entry point the host calls for every invocation. */
export async function dispatch(event: PlainEvent, meta: InvocationMeta): Promise<DispatchResult> {
  // Work left over from an earlier invocation (detached promises) must not show up in this one's record.
  resetTimers();
  discardLogs();
  const waitUntil: unknown[] = list();
  const ctx = ObjectFreeze({
    waitUntil(promise: unknown) {
      append(waitUntil, promise);
    },
    passThroughOnException() {},
  });
  let outcome: Outcome;
  try {
    outcome = await run(event, meta, ctx);
    // A held-back body waits for nothing else only when no waitUntil work follows: otherwise it goes now.
    if (outcome.body !== undefined && outcome.response !== undefined && waitUntil.length > 0) {
      await sendHeld(outcome.response, outcome.body);
      outcome = { __proto__: BARE, outcome: "ok", response: outcome.response } as Outcome;
    }
  } catch (error) {
    outcome = failure(error);
  }
  // waitUntil work goes on after the response, within the bound the host enforces.
  const reasons = await rejections(waitUntil);
  for (let i = 0; i < reasons.length; i++) console.error("Uncaught (in waitUntil)", reasons[i]);
  resetTimers();
  resetHostCalls();
  const { logs, dropped } = drainLogs();
  return { __proto__: BARE, ...outcome, logs, droppedLogLines: dropped } as DispatchResult;
}
