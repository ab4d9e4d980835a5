// ListObjectsV2 (and the older ListObjects) over the store's key-ordered listing.
import type { ListObjectsResult, ObjectInfo } from "@skiff/storage";
import { requireBucket } from "./bucket-operations.js";
import { storageCall } from "./error-response.js";
import { quoteEtag } from "./object-headers.js";
import { xmlResponse, xmlTime } from "./responses.js";
import { noSuchBucket, S3Error } from "./s3-error.js";
import type { BucketRequest } from "./s3-request.js";
import type { XmlElement } from "./xml.js";

/** S3 never answers more keys than this per page, whatever max-keys asks. */
const MAX_KEYS = 1000;

/**
 * GET /s3/{bucket}?list-type=2 (prefix, delimiter, continuation-token, start-after, max-keys, encoding-type,
 * fetch-owner), and without list-type the version 1 listing (marker). The continuation token is the last key
 * (or rolled-up prefix) answered, base64url-encoded: it reveals nothing the caller could not list.
 */
export async function listObjects(request: BucketRequest): Promise<Response> {
  const { query } = request;
  const listType = query.get("list-type");
  if (listType !== undefined && listType !== "2") {
    throw new S3Error("InvalidArgument", "Invalid List Type specified in Request", {
      ArgumentName: "list-type",
      ArgumentValue: listType,
    });
  }
  const v2 = listType === "2";
  const maxKeys = parseMaxKeys(query.get("max-keys"));
  const encodingType = query.get("encoding-type");
  if (encodingType !== undefined && encodingType !== "url") {
    throw new S3Error("InvalidArgument", "Invalid Encoding Method specified in Request", {
      ArgumentName: "encoding-type",
      ArgumentValue: encodingType,
    });
  }
  const encode = encodingType === "url" ? urlEncodeKey : (text: string) => text;
  const prefix = query.get("prefix") ?? "";
  const delimiter = query.get("delimiter") || undefined;
  const token = v2 ? query.get("continuation-token") : undefined;
  const startAfter = v2 ? query.get("start-after") || undefined : undefined;
  const marker = v2 ? undefined : query.get("marker") || undefined;
  const after = token !== undefined ? decodeToken(token) : (startAfter ?? marker);

  const result = await list(request, { prefix, delimiter, after, maxKeys });
  const owner = { ID: request.tenant, DisplayName: request.tenant };
  const withOwner = !v2 || query.get("fetch-owner") === "true";
  const contents = result.objects.map(
    (object: ObjectInfo): XmlElement => ({
      Key: encode(object.key),
      LastModified: xmlTime(object.lastModified),
      ETag: quoteEtag(object.etag),
      Size: object.size,
      ...(withOwner ? { Owner: owner } : {}),
      StorageClass: "STANDARD",
    }),
  );
  const commonPrefixes = result.commonPrefixes.map((rolled): XmlElement => ({ Prefix: encode(rolled) }));
  const common = {
    Name: request.bucket,
    Prefix: encode(prefix),
    Delimiter: delimiter === undefined ? undefined : encode(delimiter),
    MaxKeys: maxKeys,
    EncodingType: encodingType,
    IsTruncated: result.truncated,
    Contents: contents.length > 0 ? contents : undefined,
    CommonPrefixes: commonPrefixes.length > 0 ? commonPrefixes : undefined,
  };
  const next = result.truncated ? result.nextAfter : undefined;
  if (v2) {
    return xmlResponse("ListBucketResult", {
      ...common,
      KeyCount: contents.length + commonPrefixes.length,
      ContinuationToken: token,
      NextContinuationToken: next === undefined ? undefined : encodeToken(next),
      StartAfter: startAfter === undefined ? undefined : encode(startAfter),
    });
  }
  return xmlResponse("ListBucketResult", {
    ...common,
    Marker: encode(marker ?? ""),
    NextMarker: next === undefined ? undefined : encode(next),
  });
}

async function list(
  request: BucketRequest,
  input: { prefix: string; delimiter: string | undefined; after: string | undefined; maxKeys: number },
): Promise<ListObjectsResult> {
  if (input.maxKeys === 0) {
    await requireBucket(request);
    return { objects: [], commonPrefixes: [], truncated: false };
  }
  const { deps, tenant, bucket } = request;
  return storageCall(
    deps.storage.objects.list(tenant, bucket, {
      ...(input.prefix === "" ? {} : { prefix: input.prefix }),
      ...(input.delimiter === undefined ? {} : { delimiter: input.delimiter }),
      ...(input.after === undefined ? {} : { after: input.after }),
      limit: input.maxKeys,
    }),
    { NOT_FOUND: () => noSuchBucket(bucket) },
  );
}

function parseMaxKeys(value: string | undefined): number {
  if (value === undefined) return MAX_KEYS;
  if (!/^\d{1,10}$/.test(value)) {
    throw new S3Error("InvalidArgument", "Provided max-keys not an integer or within integer range", {
      ArgumentName: "max-keys",
      ArgumentValue: value,
    });
  }
  return Math.min(Number(value), MAX_KEYS);
}

export function encodeToken(after: string): string {
  return Buffer.from(after, "utf8").toString("base64url");
}

export function decodeToken(token: string): string {
  const incorrect = () =>
    new S3Error("InvalidArgument", "The continuation token provided is incorrect", {
      ArgumentName: "continuation-token",
    });
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw incorrect();
  const bytes = Buffer.from(token, "base64url");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw incorrect();
  }
}

/** `encoding-type=url`: keys percent-encoded as S3 does it (`/` kept, space as `+`), for keys XML can not carry. */
function urlEncodeKey(text: string): string {
  return encodeURIComponent(text).replace(/%2F/g, "/").replace(/%20/g, "+");
}
