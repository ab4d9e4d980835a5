// The SNS notification record a Lambda-style handler receives for a topic publication.
import { type MessageAttributes, snsMessageAttributes } from "@skiff/core";

export interface SnsEventInput {
  tenant: string;
  topic: string;
  subscriptionId: string;
  messageId: string;
  message: unknown;
  attributes: MessageAttributes;
  /** Epoch ms of the publication. */
  publishedAt: number;
}

/** ARN-like names in the `arn:skiff:` namespace, so handlers that split ARNs find the parts they expect. */
export function topicArn(tenant: string, topic: string): string {
  return `arn:skiff:sns:local:${tenant}:${topic}`;
}

/** One `Records[]` entry of an SNS event; `Message` is the published string, or JSON for any other value. */
export function snsEventRecord(input: SnsEventInput): Record<string, unknown> {
  const arn = topicArn(input.tenant, input.topic);
  return {
    EventSource: "aws:sns",
    EventVersion: "1.0",
    EventSubscriptionArn: `${arn}:${input.subscriptionId}`,
    Sns: {
      Type: "Notification",
      MessageId: input.messageId,
      TopicArn: arn,
      Subject: null,
      Message: typeof input.message === "string" ? input.message : JSON.stringify(input.message),
      Timestamp: new Date(input.publishedAt).toISOString(),
      SignatureVersion: "1",
      Signature: "",
      SigningCertUrl: "",
      UnsubscribeUrl: "",
      MessageAttributes: snsMessageAttributes(input.attributes),
    },
  };
}
