// DeleteObjects: POST /s3/{bucket}?delete with up to 1000 keys in an XML body; one result per key.

import { readAll } from "./body-stream.js";
import { requireBucket } from "./bucket-operations.js";
import { toS3Error } from "./error-response.js";
import { assertKeyLength } from "./object-operations.js";
import { requestBody } from "./request-body.js";
import { xmlResponse } from "./responses.js";
import { S3Error } from "./s3-error.js";
import type { BucketRequest } from "./s3-request.js";
import { childList, childText, parseXmlBody, type XmlElement } from "./xml.js";

/** S3's limit on keys per DeleteObjects request. */
const MAX_KEYS = 1000;
/** 1000 keys of 1024 bytes, escaped, fit well within this. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * Deletes each listed key (each a DeleteObject write for notifications) and reports each: `<Deleted>` (left out
 * when `<Quiet>true</Quiet>`) or `<Error>`. A key that did not exist counts as deleted, as in S3.
 */
export async function deleteObjects(request: BucketRequest): Promise<Response> {
  const { deps, tenant, bucket } = request;
  const bytes = await readAll(
    requestBody(request.raw, request.verified),
    MAX_BODY_BYTES,
    () => new S3Error("MalformedXML", "The XML you provided was larger than this server accepts."),
  );
  const document = parseXmlBody(bytes, "Delete", ["Object"]);
  const quiet = childText(document, "Quiet")?.trim().toLowerCase() === "true";
  const keys = childList(document, "Object").map((object) => {
    const key = childText(object, "Key");
    if (key === undefined || key === "") {
      throw new S3Error(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema: every <Object> needs a <Key>.",
      );
    }
    return key;
  });
  if (keys.length === 0 || keys.length > MAX_KEYS) {
    throw new S3Error(
      "MalformedXML",
      `The XML you provided was not well-formed or did not validate against our published schema: list 1 to ${MAX_KEYS} objects.`,
    );
  }
  await requireBucket(request);

  const deleted: XmlElement[] = [];
  const errors: XmlElement[] = [];
  for (const key of keys) {
    try {
      assertKeyLength(key);
      await deps.storage.objects.delete(tenant, bucket, key, deps.writeContext("DeleteObject"));
      if (!quiet) deleted.push({ Key: key });
    } catch (error) {
      const s3 = toS3Error(error);
      if (s3 === undefined) {
        deps.logger.error({ err: error, bucket }, "DeleteObjects could not delete a key");
        errors.push({
          Key: key,
          Code: "InternalError",
          Message: "We encountered an internal error. Please try again.",
        });
      } else {
        errors.push({ Key: key, Code: s3.code, Message: s3.message });
      }
    }
  }
  return xmlResponse("DeleteResult", {
    Deleted: deleted.length > 0 ? deleted : undefined,
    Error: errors.length > 0 ? errors : undefined,
  });
}
