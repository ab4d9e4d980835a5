// Service binding calls from tenant code (`env.AUTH.fetch(request)`): the main process invokes another function of
// the caller's own tenant straight through the runtime, with no HTTP round trip through the gateway. The target
// runs under its own limits and gets its own invocation record, linked to the caller's; the chain of calls shares
// the recursion guard of storage notifications, so a loop stops after 16 hops with LOOP_DETECTED.
import {
  type ErrorCode,
  type HttpEvent,
  type InvocationRecord,
  type InvocationResult,
  LIMITS,
  newId,
  type ServiceBinding,
  SkiffError,
  toInvocationRecord,
} from "@skiff/core";
import {
  type BindingCall,
  DEFAULT_EGRESS_POLICY,
  type PlainFetchResponse,
  parsePlainFetchRequest,
  type Runtime,
  type VersionSpec,
} from "@skiff/runtime";
import { MAX_CHAIN_HOPS } from "@skiff/storage";
import { invocationReply } from "../data-plane/invocation-response.js";

export interface ServiceBindingDeps {
  /** The routing table's lookup: a call never queries storage. */
  resolve(tenant: string, functionName: string): VersionSpec | undefined;
  /** The guarded runtime, so the target counts against the tenant's quotas like any other invocation. */
  runtime: Pick<Runtime, "invoke">;
  /** Keeps the target's invocation record (the gateway's batched writer). */
  record(record: InvocationRecord): void;
  now?: () => number;
  newId?: () => string;
  /** Largest request body a call may send; default the sync request body limit (6 MB). */
  maxRequestBytes?: number;
  /** Largest response body a call may get back; default the egress policy's (32 MB). */
  maxResponseBytes?: number;
}

/**
 * An error the caller's `fetch` rejects with. Only the message crosses into the isolate, so it starts with the
 * code (`LOOP_DETECTED: …`) for tenant code to recognise.
 */
function callError(code: ErrorCode, binding: ServiceBinding, message: string): SkiffError {
  return new SkiffError(
    code,
    `${code}: service binding ${binding.name} to function "${binding.function}": ${message}`,
  );
}

/**
 * Runs one `env.NAME.fetch` call and answers with the plain response the prelude turns into a Response: the
 * target's own response, or the platform's JSON error for an outcome other than ok (500 FUNCTION_ERROR,
 * 504 TIMEOUT, …), as an HTTP client of the target would get. Calls that cannot run at all reject: a chain
 * deeper than 16 (LOOP_DETECTED), a target that is no longer deployed (FUNCTION_NOT_FOUND), a malformed request,
 * and refusals of the runtime (TOO_MANY_REQUESTS, FUNCTION_QUARANTINED).
 */
export async function serveServiceBinding(
  call: BindingCall,
  binding: ServiceBinding,
  deps: ServiceBindingDeps | undefined,
): Promise<PlainFetchResponse> {
  if (deps === undefined) throw new SkiffError("INTERNAL_ERROR", "this server runs without service bindings");
  if (call.op !== "fetch") {
    throw callError("INVALID_REQUEST", binding, `service bindings have no operation "${call.op}"`);
  }
  const hops = (call.chain?.hops ?? 0) + 1;
  if (hops > MAX_CHAIN_HOPS) {
    throw callError(
      "LOOP_DETECTED",
      binding,
      `the chain of calls is deeper than ${MAX_CHAIN_HOPS} (does a function call itself, or do functions call each other in a loop?)`,
    );
  }
  const tenant = call.version.tenant;
  const target = deps.resolve(tenant, binding.function);
  if (target === undefined) {
    throw callError(
      "FUNCTION_NOT_FOUND",
      binding,
      `tenant "${tenant}" has no deployed function "${binding.function}" (was it deleted?)`,
    );
  }
  const request = parseRequest(call.args, binding, deps.maxRequestBytes ?? LIMITS.requestBodyBytes);
  const makeId = deps.newId ?? newId;
  const invocationId = makeId();
  const startedAt = (deps.now ?? Date.now)();
  let result: InvocationResult;
  try {
    result = await deps.runtime.invoke(target, request, {
      invocationId,
      chain: { id: call.chain?.id ?? makeId(), hops },
    });
  } catch (error) {
    // Refused before it ran: there is no invocation to record.
    if (error instanceof SkiffError) throw callError(error.code, binding, error.message);
    throw error;
  }
  const reply = invocationReply(result, invocationId);
  const record = toInvocationRecord(
    {
      tenant,
      functionName: target.functionName,
      version: target.number,
      trigger: "service",
      startedAt,
      ...(call.invocationId === undefined ? {} : { parentInvocationId: call.invocationId }),
    },
    { ...result, invocationId },
    { status: reply.status, outcome: reply.outcome, error: reply.error },
  );
  deps.record(record);
  const body = new Uint8Array(await reply.response.arrayBuffer());
  const maxResponseBytes = deps.maxResponseBytes ?? DEFAULT_EGRESS_POLICY.maxResponseBytes;
  if (body.byteLength > maxResponseBytes) {
    throw callError("PAYLOAD_TOO_LARGE", binding, `the response is larger than ${maxResponseBytes} bytes`);
  }
  return {
    status: reply.response.status,
    statusText: reply.response.statusText,
    headers: [...reply.response.headers],
    body,
    url: request.url,
    redirected: false,
  };
}

/** The call's request, checked as an outbound fetch's is (method, URL, header pairs, body bytes). */
function parseRequest(args: unknown, binding: ServiceBinding, maxRequestBytes: number): HttpEvent {
  try {
    // Redirects are the target's answer, never followed: the mode only satisfies the shared parser.
    const plain =
      typeof args === "object" && args !== null && !Array.isArray(args)
        ? { ...args, redirect: "manual" }
        : args;
    const { method, url, headers, body } = parsePlainFetchRequest(plain, { maxRequestBytes });
    return { kind: "http", method, url, headers, body };
  } catch (error) {
    throw callError("INVALID_REQUEST", binding, error instanceof Error ? error.message : String(error));
  }
}
