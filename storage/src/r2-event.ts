// The message body an R2 event notification delivers to a Workers `queue()` consumer.
import type { ObjectAction } from "./types.js";

export interface R2EventBody {
  account: string;
  action: ObjectAction;
  bucket: string;
  /** Size and eTag are absent for deletes, as R2 sends them. */
  object: { key: string; size?: number; eTag?: string };
  eventTime: string;
  copySource?: { bucket: string; object: string };
}

export interface R2EventInput {
  tenant: string;
  bucket: string;
  action: ObjectAction;
  /** Epoch ms. */
  eventTime: number;
  key: string;
  size?: number;
  etag?: string;
  copySource?: { bucket: string; key: string };
}

/**
 * R2's event notification message: the tenant stands for the account, the key is sent as is (not URL-encoded).
 *
 * @example
 * r2EventBody({ tenant: "acme", bucket: "uploads", action: "PutObject", eventTime: now, key: "a.txt", size: 3, etag })
 */
export function r2EventBody(input: R2EventInput): R2EventBody {
  const object: R2EventBody["object"] = { key: input.key };
  if (input.action !== "DeleteObject") {
    if (input.size !== undefined) object.size = input.size;
    if (input.etag !== undefined) object.eTag = input.etag;
  }
  const body: R2EventBody = {
    account: input.tenant,
    action: input.action,
    bucket: input.bucket,
    object,
    eventTime: new Date(input.eventTime).toISOString(),
  };
  if (input.action === "CopyObject" && input.copySource !== undefined) {
    body.copySource = { bucket: input.copySource.bucket, object: input.copySource.key };
  }
  return body;
}
