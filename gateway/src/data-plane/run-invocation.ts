// Runs one invocation for an HTTP client and records it: a streamed response goes to the client as soon as
// its first chunk is ready (the record is written when the body and waitUntil work have ended); anything else
// is answered from the final result.
import {
  type InvocationError,
  type InvocationEvent,
  type InvocationResult,
  type Outcome,
  type TriggerKind,
  toInvocationRecord,
} from "@skiff/core";
import type { InvokeOptions, Runtime, StreamingResponse, VersionSpec } from "@skiff/runtime";
import type { GatewayDeps } from "../deps.js";
import type { InvocationWriter } from "../invocation-writer.js";
import type { InFlightInvocations } from "./in-flight.js";
import {
  type PlainResponse,
  plainErrorReply,
  plainFunctionResponse,
  plainInvocationReply,
  toFetchResponse,
} from "./invocation-response.js";
import { type BodyEnd, startBody } from "./streamed-body.js";

/**
 * Only `invoke` and `add` are used: a runtime worker's direct data plane passes its own runtime, and a writer
 * that batches records to the main process.
 */
export type RunDeps = Pick<GatewayDeps, "now" | "newId"> & {
  runtime: Pick<Runtime, "invoke">;
  writer: Pick<InvocationWriter, "add">;
  /** Told when an invocation starts and when its record is written, so shutdown can wait for it. */
  inFlight?: InFlightInvocations;
};

export interface RunOptions {
  trigger: TriggerKind;
  /** Aborts when the client goes away: the invocation is canceled. */
  signal?: InvokeOptions["signal"];
  /** Whether the client takes chunked bodies (false for HTTP/1.0); see `FunctionResponseOptions`. */
  chunked?: boolean;
  /**
   * Runs the recording of an invocation answered from its final result; at once when absent. The Node data
   * plane defers it past the response's write: building and publishing the record (≈ 10 µs) need not delay it.
   */
  afterAnswer?: (write: () => void) => void;
}

/** Outcomes that say the function misbehaved; limits, crashes and cancellations keep their own outcome. */
const FUNCTION_FAULTS = new Set<Outcome>(["ok", "exception", "invalidResponse"]);

export async function runInvocation(
  deps: RunDeps,
  version: VersionSpec,
  event: InvocationEvent,
  options: RunOptions,
): Promise<Response> {
  return toFetchResponse(await runPlainInvocation(deps, version, event, options));
}

/** `runInvocation` answering plain data, which the Node data plane writes without Fetch objects. */
export async function runPlainInvocation(
  deps: RunDeps,
  version: VersionSpec,
  event: InvocationEvent,
  options: RunOptions,
): Promise<PlainResponse> {
  const invocationId = deps.newId();
  const startedAt = deps.now();
  const ended = deps.inFlight?.begin() ?? (() => {});
  // Whichever comes first: the response head (a streamed body follows) or the finished result.
  let answer: (first: { response: StreamingResponse } | { result: InvocationResult }) => void = () => {};
  let refuse: (error: unknown) => void = () => {};
  const firstAnswer = new Promise<{ response: StreamingResponse } | { result: InvocationResult }>(
    (resolve, reject) => {
      answer = resolve;
      refuse = reject;
    },
  );
  const invokeOptions: InvokeOptions = { invocationId, onResponse: (response) => answer({ response }) };
  if (options.signal !== undefined) invokeOptions.signal = options.signal;
  // Platform refusals (TOO_MANY_REQUESTS, SHUTTING_DOWN) reject here and are rendered by the error handler.
  const done = deps.runtime.invoke(version, event, invokeOptions);
  done.then((result) => answer({ result }), refuse);
  const first = await firstAnswer.catch((error: unknown) => {
    ended();
    throw error;
  });
  const context = {
    tenant: version.tenant,
    functionName: version.functionName,
    version: version.number,
    trigger: options.trigger,
    startedAt,
  };
  const record = (
    result: InvocationResult,
    status: number,
    outcome = result.outcome,
    error = result.error,
  ) => {
    try {
      deps.writer.add(toInvocationRecord(context, { ...result, invocationId }, { status, outcome, error }));
    } finally {
      // Even if the record could not be added, the request is over: a drain must not wait for it.
      ended();
    }
  };

  if ("result" in first) {
    const reply = plainInvocationReply(first.result, invocationId);
    const write = () => record(first.result, reply.status, reply.outcome, reply.error);
    if (options.afterAnswer === undefined) write();
    else options.afterAnswer(write);
    return reply.plain;
  }
  const { response } = first;
  const invalid = (message: string, result?: InvocationResult) => {
    const error: InvocationError = { ...(result?.error ?? { name: "InvalidResponse" }), message };
    return plainErrorReply("invalidResponse", invocationId, error);
  };

  let body: Uint8Array | ReadableStream<Uint8Array> | null = response.body;
  let bodyEnded: Promise<BodyEnd> = Promise.resolve({ kind: "complete" });
  if (response.body instanceof ReadableStream) {
    try {
      const startedBody = await startBody(response.body);
      body = startedBody.stream;
      bodyEnded = startedBody.ended;
    } catch (cause) {
      // Nothing was sent yet, so the client still gets a platform error: the limit that stopped the function
      // (a timeout while it had not written a byte), or INVALID_RESPONSE for a body that could not be read.
      const reason = cause instanceof Error ? cause.message : String(cause);
      const result = await settled(done);
      const reply = FUNCTION_FAULTS.has(result.outcome)
        ? invalid(
            `the response body failed before its first byte: ${result.error?.message ?? reason}`,
            result,
          )
        : plainErrorReply(result.outcome as Exclude<Outcome, "ok">, invocationId, result.error);
      record(result, reply.status, reply.outcome, reply.error);
      return reply.plain;
    }
  }

  let reply: PlainResponse;
  try {
    reply = plainFunctionResponse(response, body, invocationId, { chunked: options.chunked !== false });
  } catch (cause) {
    if (body instanceof ReadableStream) body.cancel().catch(() => {});
    const failed = invalid(cause instanceof Error ? cause.message : String(cause));
    settled(done).then((result) => record(result, failed.status, failed.outcome, failed.error));
    return failed.plain;
  }
  Promise.all([settled(done), bodyEnded]).then(([result, end]) => {
    if (end.kind !== "failed") return record(result, response.status);
    // The status line was already sent, so the connection was cut; the record says why. Cutting it aborts the
    // request, which may cancel the invocation before it reports its own failure: that cancel is ours, not the
    // client's.
    const outcome =
      FUNCTION_FAULTS.has(result.outcome) || result.outcome === "canceled"
        ? "invalidResponse"
        : result.outcome;
    const error: InvocationError = {
      ...(result.error ?? { name: "InvalidResponse" }),
      message: `the response body failed after the status was sent, so the connection was cut: ${result.error?.message ?? end.reason}`,
    };
    record(result, response.status, outcome, error);
  });
  return reply;
}

/** The invocation's result; a runtime that failed after the response started counts as a crash. */
function settled(done: Promise<InvocationResult>): Promise<InvocationResult> {
  return done.catch(
    (error): InvocationResult => ({
      invocationId: "",
      outcome: "crashed",
      error: { name: "Error", message: error instanceof Error ? error.message : String(error) },
      cold: false,
      cpuMs: 0,
      wallMs: 0,
      logs: [],
      droppedLogLines: 0,
    }),
  );
}
