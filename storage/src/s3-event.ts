// The S3 event message (eventVersion 2.1) a Lambda-style handler receives for a bucket notification.
import type { ObjectAction } from "./types.js";

export interface S3EventRecord {
  eventVersion: "2.1";
  eventSource: "aws:s3";
  awsRegion: string;
  eventTime: string;
  eventName: string;
  userIdentity: { principalId: string };
  requestParameters: { sourceIPAddress: string };
  responseElements: Record<string, string>;
  s3: {
    s3SchemaVersion: "1.0";
    configurationId: string;
    bucket: { name: string; ownerIdentity: { principalId: string }; arn: string };
    object: { key: string; size?: number; eTag?: string; sequencer: string };
  };
}

export interface S3EventInput {
  tenant: string;
  bucket: string;
  action: ObjectAction;
  /** Epoch ms. */
  eventTime: number;
  /** Which notification rule matched. */
  configurationId: string;
  key: string;
  /** Absent for deletes, as S3 sends them. */
  size?: number;
  etag?: string;
  sequencer: string;
}

const EVENT_NAMES: Record<ObjectAction, string> = {
  PutObject: "ObjectCreated:Put",
  CopyObject: "ObjectCreated:Copy",
  CompleteMultipartUpload: "ObjectCreated:CompleteMultipartUpload",
  DeleteObject: "ObjectRemoved:Delete",
};

/** S3's `eventName` for a write. */
export function s3EventName(action: ObjectAction): string {
  return EVENT_NAMES[action];
}

/**
 * The key as S3 puts it in event messages: URL-encoded with spaces as '+' and '/' left as is (S3 sends
 * `images/my+cat.jpg`); handlers undo it with `decodeURIComponent(key.replace(/\+/g, " "))` or Python's
 * `unquote_plus`.
 */
export function encodeS3EventKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, "+").replace(/%2F/g, "/");
}

/**
 * A sequencer for the bucket's n-th notified write: fixed-width uppercase hex, so that comparing two as strings
 * orders them (S3 says to compare sequencers of one key as strings after padding).
 */
export function s3Sequencer(sequence: number): string {
  return sequence.toString(16).toUpperCase().padStart(16, "0");
}

/**
 * One record of an S3 event notification.
 *
 * @example
 * const event = { Records: [s3EventRecord({ tenant: "acme", bucket: "uploads", action: "PutObject", … })] };
 */
export function s3EventRecord(input: S3EventInput): S3EventRecord {
  const created = input.action !== "DeleteObject";
  const object: S3EventRecord["s3"]["object"] = {
    key: encodeS3EventKey(input.key),
    ...(created && input.size !== undefined ? { size: input.size } : {}),
    ...(created && input.etag !== undefined ? { eTag: input.etag } : {}),
    sequencer: input.sequencer,
  };
  return {
    eventVersion: "2.1",
    eventSource: "aws:s3",
    awsRegion: "us-east-1",
    eventTime: new Date(input.eventTime).toISOString(),
    eventName: s3EventName(input.action),
    userIdentity: { principalId: input.tenant },
    requestParameters: { sourceIPAddress: "127.0.0.1" },
    responseElements: {},
    s3: {
      s3SchemaVersion: "1.0",
      configurationId: input.configurationId,
      bucket: {
        name: input.bucket,
        ownerIdentity: { principalId: input.tenant },
        arn: `arn:aws:s3:::${input.bucket}`,
      },
      object,
    },
  };
}
