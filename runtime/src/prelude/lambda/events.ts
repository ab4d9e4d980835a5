// Lambda event shapes for cron ticks (EventBridge "Scheduled Event") and queue batches (SQS).
import type { InvocationMeta, PlainQueueEvent, PlainScheduledEvent } from "../invocation-events.js";

export function scheduledLambdaEvent(
  event: PlainScheduledEvent,
  meta: InvocationMeta,
): Record<string, unknown> {
  return {
    version: "0",
    id: meta.invocationId,
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: meta.tenant,
    time: new Date(event.scheduledTime).toISOString().replace(/\.\d{3}Z$/, "Z"),
    region: "local",
    resources: [`arn:skiff:events:local:${meta.tenant}:rule/${meta.functionName}/${event.cron}`],
    detail: {},
  };
}

/** SQS's `messageAttributes`: `{name: {dataType, stringValue, stringListValues, binaryListValues}}`. */
function sqsMessageAttributes(attributes: Record<string, unknown> | undefined): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    result[name] = {
      dataType: typeof value === "number" ? "Number" : Array.isArray(value) ? "String.Array" : "String",
      stringValue:
        typeof value === "string" ? value : Array.isArray(value) ? JSON.stringify(value) : String(value),
      stringListValues: [],
      binaryListValues: [],
    };
  }
  return result;
}

export function queueLambdaEvent(event: PlainQueueEvent, meta: InvocationMeta): unknown {
  if (event.lambdaEvent !== undefined) return event.lambdaEvent;
  return {
    Records: event.messages.map((message) => ({
      messageId: message.id,
      receiptHandle: message.id,
      // Text and bytes (base64) bodies are strings already; JSON bodies travel as their JSON text.
      body: typeof message.body === "string" ? message.body : JSON.stringify(message.body),
      attributes: {
        ApproximateReceiveCount: String(message.attempts),
        SentTimestamp: String(message.timestamp),
        ApproximateFirstReceiveTimestamp: String(message.timestamp),
        ...(message.groupId === undefined ? {} : { MessageGroupId: message.groupId }),
        ...(message.deduplicationId === undefined ? {} : { MessageDeduplicationId: message.deduplicationId }),
        ...(message.sequenceNumber === undefined ? {} : { SequenceNumber: message.sequenceNumber }),
      },
      messageAttributes: sqsMessageAttributes(message.attributes),
      eventSource: "aws:sqs",
      eventSourceARN: `arn:skiff:sqs:local:${meta.tenant}:${event.queue}`,
      awsRegion: "local",
    })),
  };
}
