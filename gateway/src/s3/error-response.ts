// Renders any error thrown while serving an S3 request as S3's XML error, so S3 clients can read every failure.
import { isSkiffError, type SkiffError } from "@skiff/core";
import type { Logger } from "pino";
import { isS3Error, S3_ERROR_STATUS, S3Error, type S3ErrorCode } from "./s3-error.js";
import { buildXml } from "./xml.js";

/**
 * The S3 error for a thrown value. Storage errors name the S3 code they stand for in `details.s3` (NoSuchBucket,
 * InvalidRange, EntityTooLarge, …); without one, the platform code decides. Undefined for failures that are not
 * the client's: those are answered InternalError without their message.
 */
export function toS3Error(error: unknown): S3Error | undefined {
  if (isS3Error(error)) return error;
  if (!isSkiffError(error)) return undefined;
  const hinted = s3CodeOf(error);
  if (hinted !== undefined) return new S3Error(hinted, error.message, {}, { cause: error });
  const code = PLATFORM_CODES[error.code];
  if (code !== undefined) return new S3Error(code, error.message, {}, { cause: error });
  return error.isUserError ? new S3Error("InvalidRequest", error.message, {}, { cause: error }) : undefined;
}

const PLATFORM_CODES: Partial<Record<SkiffError["code"], S3ErrorCode>> = {
  INVALID_REQUEST: "InvalidArgument",
  INVALID_NAME: "InvalidArgument",
  INVALID_JSON: "InvalidArgument",
  UNAUTHORIZED: "AccessDenied",
  FORBIDDEN: "AccessDenied",
  TENANT_NOT_FOUND: "AccessDenied",
  CONFLICT: "OperationAborted",
  PAYLOAD_TOO_LARGE: "EntityTooLarge",
  QUOTA_EXCEEDED: "QuotaExceeded",
  METHOD_NOT_ALLOWED: "MethodNotAllowed",
};

function s3CodeOf(error: SkiffError): S3ErrorCode | undefined {
  const details = error.details;
  if (typeof details !== "object" || details === null || !("s3" in details)) return undefined;
  const code = (details as { s3: unknown }).s3;
  return typeof code === "string" && Object.hasOwn(S3_ERROR_STATUS, code) ? (code as S3ErrorCode) : undefined;
}

export interface ErrorResponseOptions {
  requestId: string;
  /** The path addressed, e.g. `/photos/cat.jpg`. */
  resource: string;
  method: string;
  logger: Logger;
}

/** `<Error><Code/><Message/>…<Resource/><RequestId/></Error>` with the code's status; a HEAD answer has no body. */
export function s3ErrorResponse(thrown: unknown, options: ErrorResponseOptions): Response {
  let error = toS3Error(thrown);
  if (error === undefined) {
    options.logger.error(
      { err: thrown, method: options.method, resource: options.resource },
      "S3 request failed",
    );
    error = new S3Error("InternalError", "We encountered an internal error. Please try again.");
  }
  const headers = new Headers({ ...error.headers, "x-amz-request-id": options.requestId });
  if (options.method === "HEAD") return new Response(null, { status: error.status, headers });
  headers.set("content-type", "application/xml");
  const body = buildXml(
    "Error",
    {
      Code: error.code,
      Message: error.message,
      ...error.details,
      Resource: options.resource,
      RequestId: options.requestId,
    },
    { namespace: false },
  );
  return new Response(body, { status: error.status, headers });
}

/**
 * Awaits a storage call and turns the platform codes named in `as` into the S3 errors they mean for this
 * operation (NOT_FOUND is NoSuchBucket for a put, NoSuchUpload for a part), leaving other errors as they are.
 * An error whose `details.s3` already names the S3 code is left alone: the store knows which thing was missing.
 *
 * @example
 * await storageCall(storage.buckets.delete(tenant, name), { CONFLICT: () => bucketNotEmpty(name) });
 */
export async function storageCall<T>(
  work: Promise<T>,
  as: Partial<Record<SkiffError["code"], () => S3Error>>,
): Promise<T> {
  try {
    return await work;
  } catch (error) {
    const translate = isSkiffError(error) && s3CodeOf(error) === undefined ? as[error.code] : undefined;
    if (translate === undefined) throw error;
    const translated = translate();
    throw new S3Error(translated.code, translated.message, translated.details, {
      headers: translated.headers,
      cause: error,
    });
  }
}
