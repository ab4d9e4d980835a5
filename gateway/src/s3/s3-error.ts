// The errors of the S3 API: S3's own codes and statuses, because S3 clients branch on `<Code>`, not on JSON.

/** The S3 error codes this API answers with, and their HTTP statuses (as documented by Amazon S3). */
export const S3_ERROR_STATUS = {
  AccessDenied: 403,
  AuthorizationHeaderMalformed: 400,
  AuthorizationQueryParametersError: 400,
  BadDigest: 400,
  BucketAlreadyOwnedByYou: 409,
  BucketNotEmpty: 409,
  EntityTooLarge: 400,
  IncompleteBody: 400,
  InternalError: 500,
  InvalidAccessKeyId: 403,
  InvalidArgument: 400,
  InvalidBucketName: 400,
  InvalidDigest: 400,
  InvalidPart: 400,
  InvalidPartOrder: 400,
  InvalidRange: 416,
  InvalidRequest: 400,
  InvalidURI: 400,
  KeyTooLongError: 400,
  MalformedXML: 400,
  MetadataTooLarge: 400,
  MethodNotAllowed: 405,
  MissingContentLength: 411,
  NoSuchBucket: 404,
  NoSuchKey: 404,
  NoSuchUpload: 404,
  NotImplemented: 501,
  OperationAborted: 409,
  /** Not an Amazon S3 code (S3 has no storage quota): the tenant's maxStoredBytes quota would be passed. */
  QuotaExceeded: 403,
  RequestTimeTooSkewed: 403,
  SignatureDoesNotMatch: 403,
  XAmzContentSHA256Mismatch: 400,
} as const;

export type S3ErrorCode = keyof typeof S3_ERROR_STATUS;

/**
 * An error answered to an S3 client as `<Error><Code>…</Code><Message>…</Message>…</Error>`.
 *
 * @example
 * throw new S3Error("NoSuchKey", "The specified key does not exist.", { Key: key });
 */
export class S3Error extends Error {
  override readonly name = "S3Error";
  readonly code: S3ErrorCode;
  readonly status: number;
  /** Extra elements of the error body that S3 sends for this code (`Key`, `BucketName`, `UploadId`, …). */
  readonly details: Record<string, string>;
  /** Headers the response must carry (e.g. `Content-Range` for InvalidRange). */
  readonly headers: Record<string, string>;

  constructor(
    code: S3ErrorCode,
    message: string,
    details: Record<string, string> = {},
    options: { headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = S3_ERROR_STATUS[code];
    this.details = details;
    this.headers = options.headers ?? {};
  }
}

export function isS3Error(value: unknown): value is S3Error {
  return value instanceof S3Error;
}

export const noSuchBucket = (bucket: string) =>
  new S3Error("NoSuchBucket", "The specified bucket does not exist.", { BucketName: bucket });

export const noSuchKey = (key: string) =>
  new S3Error("NoSuchKey", "The specified key does not exist.", { Key: key });

export const noSuchUpload = (uploadId: string) =>
  new S3Error(
    "NoSuchUpload",
    "The specified multipart upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
    { UploadId: uploadId },
  );
