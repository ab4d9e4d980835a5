// The Lambda `context` object (DESIGN §4).
import type { InvocationMeta } from "../invocation-events.js";

export function lambdaContext(
  meta: InvocationMeta,
  env: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  return {
    // Not in AWS's context: Skiff's bindings (buckets, KV) and vars, the `env` Workers handlers get. Lambda code
    // has no process.env here, so this is where it finds them.
    env,
    functionName: meta.functionName,
    functionVersion: String(meta.version),
    invokedFunctionArn: `arn:skiff:lambda:local:${meta.tenant}:function:${meta.functionName}`,
    memoryLimitInMB: String(meta.memoryMb),
    // Lambda keeps the request id across retries of an async event; so does Skiff, for deduplication.
    awsRequestId: meta.eventId ?? meta.invocationId,
    logGroupName: `/skiff/${meta.tenant}/${meta.functionName}`,
    logStreamName: `${meta.version}/${meta.invocationId}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, meta.deadline - Date.now()),
  };
}
