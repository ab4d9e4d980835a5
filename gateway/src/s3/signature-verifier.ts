// Checks a request's AWS Signature V4 by signing the same request again with @smithy/signature-v4.
import { timingSafeEqual } from "node:crypto";
import type { S3CredentialRepository } from "@skiff/storage";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import type { QueryParam, RequestTarget } from "./request-target.js";
import { S3Error } from "./s3-error.js";
import {
  PRESIGN_PARAMS,
  readSignatureClaim,
  type SignatureClaim,
  signatureMismatch,
  UNSIGNED_PAYLOAD,
} from "./signature-claim.js";

/** S3's tolerance between the signing time and the server's clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

type SignableRequest = Parameters<SignatureV4["presign"]>[0];

export interface SignedRequest {
  method: string;
  target: RequestTarget;
  headers: Headers;
  /** The request URL's host, used when no Host header is present (requests made in-process). */
  host: string;
}

export interface VerifiedSignature {
  /** The tenant whose access key signed the request. */
  tenant: string;
  claim: SignatureClaim;
  /** HMAC of `stringToSign` under this request's signing key: for the chunks of a signed streaming upload. */
  signString(stringToSign: string): Promise<string>;
}

export interface SignatureVerifierOptions {
  credentials: Pick<S3CredentialRepository, "resolve">;
  /** Epoch ms. */
  now: () => number;
}

/**
 * Verifies a request signed in the header or the presigned-URL form and answers who signed it. The expected
 * signature comes from `SignatureV4.sign` / `.presign` over the request as received (method, raw path, query,
 * the headers the client listed as signed, its signing time, region and payload hash), compared in constant time.
 * Throws AccessDenied for an anonymous request, and the S3 errors for a bad, expired or skewed signature.
 *
 * The payload hash is taken as declared; checking it against the body is left to whoever reads the body.
 */
export async function verifySignature(
  request: SignedRequest,
  options: SignatureVerifierOptions,
): Promise<VerifiedSignature> {
  const claim = readSignatureClaim(request.headers, request.target.query);
  if (claim === undefined) {
    throw new S3Error(
      "AccessDenied",
      "Anonymous access is not allowed: sign the request with an S3 access key (AWS Signature Version 4).",
    );
  }
  checkTime(claim, options.now());
  checkUnsignedHeaders(claim, request.headers);

  const resolved = await options.credentials.resolve(claim.accessKeyId);
  if (resolved === undefined) {
    throw new S3Error(
      "InvalidAccessKeyId",
      "The AWS Access Key Id you provided does not exist in our records.",
      {
        AWSAccessKeyId: claim.accessKeyId,
      },
    );
  }
  const signer = new SignatureV4({
    credentials: { accessKeyId: claim.accessKeyId, secretAccessKey: resolved.secretAccessKey },
    region: claim.scope.region,
    service: "s3",
    sha256: Hash.bind(null, "sha256"),
    // S3 signs the path as sent, without normalising or encoding it a second time.
    uriEscapePath: false,
    applyChecksum: false,
  });
  const signing = {
    signingDate: new Date(claim.signedAt),
    signingRegion: claim.scope.region,
    signingService: "s3",
  };
  const expected =
    claim.form === "header"
      ? await expectedHeaderSignature(signer, request, claim, signing)
      : await expectedPresignedSignature(signer, request, claim, signing);
  if (!sameSignature(expected, claim.signature)) throw signatureMismatch();

  return {
    tenant: resolved.tenant,
    claim,
    signString: (stringToSign) => signer.sign(stringToSign, signing),
  };
}

interface SigningOptions {
  signingDate: Date;
  signingRegion: string;
  signingService: string;
}

async function expectedHeaderSignature(
  signer: SignatureV4,
  request: SignedRequest,
  claim: SignatureClaim,
  signing: SigningOptions,
): Promise<string | undefined> {
  const signed = await signer.sign(
    toSignable(request, signedHeaderValues(request, claim), request.target.query),
    { ...signing, signableHeaders: new Set(claim.signedHeaders) },
  );
  const authorization = signed.headers.authorization ?? "";
  return /Signature=([0-9a-f]{64})$/.exec(authorization)?.[1];
}

async function expectedPresignedSignature(
  signer: SignatureV4,
  request: SignedRequest,
  claim: SignatureClaim,
  signing: SigningOptions,
): Promise<string | undefined> {
  const headers = signedHeaderValues(request, claim);
  // Signed `x-amz-*` headers were sent as headers: presign must not hoist them into the query.
  const unhoistableHeaders = new Set(claim.signedHeaders.filter((name) => name.startsWith("x-amz-")));
  const unsignableHeaders = new Set<string>();
  const query: QueryParam[] = [];
  for (const param of request.target.query) {
    const [name, value] = param;
    if (name === "X-Amz-Content-Sha256") {
      // presign reads the payload hash from a header and hoists it back into the query under the same name.
      headers[name] = value;
    } else if (!(PRESIGN_PARAMS as readonly string[]).includes(name)) {
      query.push(param);
    }
  }
  if (!Object.keys(headers).some((name) => name.toLowerCase() === "x-amz-content-sha256")) {
    // Without it presign would hash an empty body; a presigned URL's payload is unsigned unless it says otherwise.
    headers["x-amz-content-sha256"] = UNSIGNED_PAYLOAD;
    unhoistableHeaders.add("x-amz-content-sha256");
    unsignableHeaders.add("x-amz-content-sha256");
  }
  const presigned = await signer.presign(toSignable(request, headers, query), {
    ...signing,
    expiresIn: Number(claim.expires),
    signableHeaders: new Set(claim.signedHeaders),
    unsignableHeaders,
    unhoistableHeaders,
  });
  const signature = presigned.query?.["X-Amz-Signature"];
  return typeof signature === "string" ? signature : undefined;
}

/** The headers the client says it signed, with the values received; a listed header that is absent stays absent. */
function signedHeaderValues(request: SignedRequest, claim: SignatureClaim): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of claim.signedHeaders) {
    const value = request.headers.get(name) ?? (name === "host" ? request.host : null);
    if (value !== null) values[name] = value;
  }
  return values;
}

function toSignable(
  request: SignedRequest,
  headers: Record<string, string>,
  query: readonly QueryParam[],
): SignableRequest {
  const grouped: Record<string, string | string[]> = {};
  for (const [name, value] of query) {
    const existing = grouped[name];
    if (existing === undefined) grouped[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else grouped[name] = [existing, value];
  }
  return {
    method: request.method,
    protocol: "http:",
    hostname: request.host,
    path: request.target.path,
    query: grouped,
    headers,
  };
}

function checkTime(claim: SignatureClaim, now: number): void {
  if (claim.form === "header") {
    if (Math.abs(now - claim.signedAt) > MAX_CLOCK_SKEW_MS) {
      throw new S3Error(
        "RequestTimeTooSkewed",
        "The difference between the request time and the current time is too large.",
        {
          RequestTime: claim.amzDate,
          ServerTime: new Date(now).toISOString(),
          MaxAllowedSkewMilliseconds: String(MAX_CLOCK_SKEW_MS),
        },
      );
    }
    return;
  }
  if (claim.signedAt - now > MAX_CLOCK_SKEW_MS) {
    throw new S3Error("AccessDenied", "Request is not valid yet");
  }
  const expiresAt = claim.signedAt + Number(claim.expires) * 1000;
  if (now > expiresAt) {
    throw new S3Error("AccessDenied", "Request has expired", {
      "X-Amz-Expires": claim.expires ?? "",
      Expires: new Date(expiresAt).toISOString(),
      ServerTime: new Date(now).toISOString(),
    });
  }
}

/** S3 refuses `x-amz-*` headers left out of the signature: they change what a request does (copy source, metadata). */
function checkUnsignedHeaders(claim: SignatureClaim, headers: Headers): void {
  const unsigned: string[] = [];
  headers.forEach((_value, name) => {
    if (name.startsWith("x-amz-") && !claim.signedHeaders.includes(name)) unsigned.push(name);
  });
  if (unsigned.length > 0) {
    throw new S3Error("AccessDenied", "There were headers present in the request which were not signed", {
      HeadersNotSigned: unsigned.join(", "),
    });
  }
}

function sameSignature(expected: string | undefined, given: string): boolean {
  if (expected === undefined) return false;
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(given, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}
