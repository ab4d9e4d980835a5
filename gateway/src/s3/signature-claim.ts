// What a request says about its own AWS Signature V4: from the Authorization header or a presigned URL's query.

import type { QueryParam } from "./request-target.js";
import { S3Error } from "./s3-error.js";

export const ALGORITHM = "AWS4-HMAC-SHA256";
/** Presigned URLs live at most a week (S3's limit). */
export const MAX_PRESIGNED_SECONDS = 7 * 24 * 60 * 60;

/** The query parameters of a presigned URL that the signature covers only as inputs, not as signed data. */
export const PRESIGN_PARAMS = [
  "X-Amz-Algorithm",
  "X-Amz-Credential",
  "X-Amz-Date",
  "X-Amz-Expires",
  "X-Amz-SignedHeaders",
  "X-Amz-Signature",
] as const;

/** The values of `x-amz-content-sha256` that are not a hex digest of the body. */
export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
export const STREAMING_PAYLOADS = [
  "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
  "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
  "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
] as const;
export type StreamingPayload = (typeof STREAMING_PAYLOADS)[number];

export interface CredentialScope {
  /** YYYYMMDD */
  date: string;
  region: string;
  service: string;
}

export interface SignatureClaim {
  form: "header" | "presigned";
  accessKeyId: string;
  scope: CredentialScope;
  /** The signing time as sent (`YYYYMMDDTHHMMSSZ`). */
  amzDate: string;
  /** The same, epoch ms. */
  signedAt: number;
  /** Lowercase, in the order sent. */
  signedHeaders: string[];
  /** 64 lowercase hex digits. */
  signature: string;
  /** Presigned only: seconds the URL is valid after `signedAt`, as sent. */
  expires?: string;
  /**
   * What the client declared about the body: a SHA-256 hex digest, `UNSIGNED-PAYLOAD`, or a streaming mode.
   * Presigned URLs without `X-Amz-Content-Sha256` are unsigned-payload.
   */
  payloadHash: string;
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const SIGNATURE = /^[0-9a-f]{64}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Reads the signature a request claims, or undefined for an anonymous request (neither form present). Throws
 * S3 errors for a malformed claim; whether the signature is right is `verifySignature`'s question.
 */
export function readSignatureClaim(
  headers: Headers,
  query: readonly QueryParam[],
): SignatureClaim | undefined {
  const authorization = headers.get("authorization");
  const presigned = query.some(([name]) => name === "X-Amz-Algorithm" || name === "X-Amz-Signature");
  if (authorization !== null && presigned) {
    throw new S3Error(
      "InvalidArgument",
      "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified.",
    );
  }
  if (authorization !== null) return readHeaderClaim(authorization, headers);
  if (presigned) return readQueryClaim(query);
  return undefined;
}

function readHeaderClaim(authorization: string, headers: Headers): SignatureClaim {
  const space = authorization.indexOf(" ");
  const algorithm = space === -1 ? authorization : authorization.slice(0, space);
  if (algorithm !== ALGORITHM) {
    throw new S3Error(
      "InvalidRequest",
      `The authorization mechanism you have provided is not supported. Please use ${ALGORITHM}.`,
    );
  }
  const fields = new Map<string, string>();
  for (const part of authorization.slice(space + 1).split(",")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get("Credential");
  const signedHeaders = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    throw headerMalformed("the Authorization header must hold Credential, SignedHeaders and Signature");
  }
  const amzDate = headers.get("x-amz-date");
  if (amzDate === null) {
    throw new S3Error("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
  }
  const payloadHash = headers.get("x-amz-content-sha256");
  if (payloadHash === null) {
    throw new S3Error("InvalidRequest", "Missing required header for this request: x-amz-content-sha256");
  }
  const claim = {
    form: "header" as const,
    ...parseCredential(credential, headerMalformed),
    amzDate,
    signedAt: parseAmzDate(
      amzDate,
      () => new S3Error("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header"),
    ),
    signedHeaders: parseSignedHeaders(signedHeaders, headerMalformed),
    signature,
    payloadHash: checkPayloadHash(payloadHash),
  };
  checkScopeDate(claim, headerMalformed);
  return claim;
}

function readQueryClaim(query: readonly QueryParam[]): SignatureClaim {
  const values = new Map<string, string>();
  for (const [name, value] of query) {
    if ((PRESIGN_PARAMS as readonly string[]).includes(name) || name === "X-Amz-Content-Sha256") {
      if (values.has(name)) throw queryMalformed(`${name} is given more than once`);
      values.set(name, value);
    }
  }
  const required = (name: string) => {
    const value = values.get(name);
    if (value === undefined) throw queryMalformed(`the query parameter ${name} is missing`);
    return value;
  };
  if (required("X-Amz-Algorithm") !== ALGORITHM) {
    throw queryMalformed(`X-Amz-Algorithm only supports "${ALGORITHM}"`);
  }
  const amzDate = required("X-Amz-Date");
  const expires = required("X-Amz-Expires");
  if (!/^\d{1,7}$/.test(expires)) throw queryMalformed("X-Amz-Expires should be a number");
  const seconds = Number(expires);
  if (seconds < 1) throw queryMalformed("X-Amz-Expires must be non-negative");
  if (seconds > MAX_PRESIGNED_SECONDS) {
    throw queryMalformed("X-Amz-Expires must be less than a week (in seconds) that is 604800");
  }
  const claim = {
    form: "presigned" as const,
    ...parseCredential(required("X-Amz-Credential"), queryMalformed),
    amzDate,
    signedAt: parseAmzDate(amzDate, () =>
      queryMalformed("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""),
    ),
    signedHeaders: parseSignedHeaders(required("X-Amz-SignedHeaders"), queryMalformed),
    signature: required("X-Amz-Signature"),
    expires,
    payloadHash: checkPayloadHash(values.get("X-Amz-Content-Sha256") ?? UNSIGNED_PAYLOAD),
  };
  checkScopeDate(claim, queryMalformed);
  return claim;
}

function parseCredential(
  credential: string,
  malformed: (reason: string) => S3Error,
): { accessKeyId: string; scope: CredentialScope } {
  const parts = credential.split("/");
  const [accessKeyId, date, region, service, terminator] = parts;
  if (
    parts.length !== 5 ||
    accessKeyId === undefined ||
    accessKeyId === "" ||
    date === undefined ||
    region === undefined ||
    region === "" ||
    service === undefined ||
    terminator !== "aws4_request"
  ) {
    throw malformed("the Credential must be <access key id>/<date>/<region>/s3/aws4_request");
  }
  if (!/^\d{8}$/.test(date)) throw malformed(`the credential date "${date}" is not in the format yyyyMMdd`);
  if (service !== "s3")
    throw malformed(`the credential should be scoped to the service 's3', not '${service}'`);
  return { accessKeyId, scope: { date, region, service } };
}

function parseSignedHeaders(list: string, malformed: (reason: string) => S3Error): string[] {
  const names = list.split(";").map((name) => name.trim().toLowerCase());
  if (names.some((name) => name === "")) throw malformed("SignedHeaders holds an empty header name");
  if (!names.includes("host")) throw malformed("the host header must be signed");
  return names;
}

function parseAmzDate(text: string, invalid: () => S3Error): number {
  const match = AMZ_DATE.exec(text);
  if (match === null) throw invalid();
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const time = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls over (month 13, second 61); a date that does not round-trip was not a real date.
  if (
    new Date(time)
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d{3}/, "") !== text
  )
    throw invalid();
  return time;
}

function checkScopeDate(claim: SignatureClaim, malformed: (reason: string) => S3Error): void {
  if (claim.scope.date !== claim.amzDate.slice(0, 8)) {
    throw malformed(
      `the credential date "${claim.scope.date}" does not match the signing date "${claim.amzDate}"`,
    );
  }
  if (!SIGNATURE.test(claim.signature)) throw signatureMismatch();
}

function checkPayloadHash(value: string): string {
  if (value === UNSIGNED_PAYLOAD || SHA256_HEX.test(value)) return value;
  if ((STREAMING_PAYLOADS as readonly string[]).includes(value)) return value;
  if (value.startsWith("STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD")) {
    throw new S3Error(
      "NotImplemented",
      "Signature Version 4A (ECDSA) is not supported; sign with AWS4-HMAC-SHA256.",
    );
  }
  throw new S3Error(
    "InvalidArgument",
    "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.",
  );
}

function headerMalformed(reason: string): S3Error {
  return new S3Error("AuthorizationHeaderMalformed", `The authorization header is malformed; ${reason}.`);
}

function queryMalformed(reason: string): S3Error {
  return new S3Error("AuthorizationQueryParametersError", `${reason}.`);
}

export function signatureMismatch(): S3Error {
  return new S3Error(
    "SignatureDoesNotMatch",
    "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
  );
}
