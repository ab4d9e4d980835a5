// Runs one invocation for an HTTP client and records it: a streamed response goes to the client as soon as
// the handler returns it (the record is written when the body and waitUntil work have ended); anything else
// is answered from the final result.
import {
  type InvocationEvent,
  type InvocationResult,
  type TriggerKind,
  toInvocationRecord,
} from "@skiff/core";
import type { StreamingResponse, VersionSpec } from "@skiff/runtime";
import type { GatewayDeps } from "../deps.js";
import { errorReply, functionResponse, invocationReply } from "./invocation-response.js";

type RunDeps = Pick<GatewayDeps, "runtime" | "writer" | "now" | "newId">;

export async function runInvocation(
  deps: RunDeps,
  version: VersionSpec,
  event: InvocationEvent,
  options: { trigger: TriggerKind; signal?: AbortSignal },
): Promise<Response> {
  const invocationId = deps.newId();
  const startedAt = deps.now();
  let onResponse: (response: StreamingResponse) => void = () => {};
  const started = new Promise<StreamingResponse>((resolve) => {
    onResponse = resolve;
  });
  // Platform refusals (TOO_MANY_REQUESTS, SHUTTING_DOWN) reject here and are rendered by the error handler.
  const done = deps.runtime.invoke(version, event, {
    invocationId,
    onResponse,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const first = await Promise.race([
    started.then((response) => ({ response })),
    done.then((result) => ({ result })),
  ]);
  const context = {
    tenant: version.tenant,
    functionName: version.functionName,
    version: version.number,
    trigger: options.trigger,
    startedAt,
  };
  const record = (result: InvocationResult, status: number, outcome = result.outcome, error = result.error) =>
    deps.writer.add(toInvocationRecord(context, { ...result, invocationId }, { status, outcome, error }));

  if ("result" in first) {
    const reply = invocationReply(first.result, invocationId);
    record(first.result, reply.status, reply.outcome, reply.error);
    return reply.response;
  }
  const { response } = first;
  let reply: Response;
  try {
    reply = functionResponse(response, response.body, invocationId);
  } catch (cause) {
    if (response.body instanceof ReadableStream) response.body.cancel().catch(() => {});
    const error = {
      name: "InvalidResponse",
      message: cause instanceof Error ? cause.message : String(cause),
    };
    const failed = errorReply("invalidResponse", invocationId, error);
    done.then((result) => record(result, failed.status, "invalidResponse", error)).catch(() => {});
    return failed.response;
  }
  done.then((result) => record(result, response.status)).catch(() => {});
  return reply;
}
