// The single-object operations: PutObject, GetObject, HeadObject, DeleteObject.
import type { ObjectInfo } from "@skiff/storage";
import { bodyStream } from "./body-stream.js";
import { type ByteRange, parseByteRange } from "./byte-range.js";
import { storageCall } from "./error-response.js";
import { metadataFromHeaders, objectHeaders, quoteEtag, RESPONSE_OVERRIDES } from "./object-headers.js";
import { requestBody } from "./request-body.js";
import { emptyResponse } from "./responses.js";
import { noSuchBucket, noSuchKey, S3Error } from "./s3-error.js";
import type { ObjectRequest, S3Request } from "./s3-request.js";

/** S3's limit on a key: 1024 bytes of UTF-8. */
const MAX_KEY_BYTES = 1024;

/**
 * PUT /s3/{bucket}/{key}: the body is streamed into the store, counted against the object limit as it arrives
 * and checked against every digest the client declared before the object is committed.
 */
export async function putObject(request: ObjectRequest): Promise<Response> {
  const { deps, tenant, bucket, key, headers } = request;
  assertKeyLength(key);
  assertDeclaredSize(request, deps.maxObjectBytes);
  const contentType = headers.get("content-type") ?? undefined;
  const replacing = async () => (await deps.storage.objects.head(tenant, bucket, key))?.size ?? 0;
  const info = await storageCall(
    // Past the room left in the tenant's maxStoredBytes quota the body is refused as it streams: QuotaExceeded.
    deps.storedBytes.write(tenant, deps.maxObjectBytes, replacing, (maxBytes) =>
      deps.storage.objects.put(
        tenant,
        bucket,
        key,
        {
          body: requestBody(request.raw, request.verified),
          ...(contentType === undefined ? {} : { contentType }),
          metadata: metadataFromHeaders(headers),
          maxBytes,
        },
        deps.writeContext("PutObject"),
      ),
    ),
    { NOT_FOUND: () => noSuchBucket(bucket) },
  );
  return emptyResponse(200, { etag: quoteEtag(info.etag) });
}

/** GET /s3/{bucket}/{key}: the whole object (200) or one byte range (206 with Content-Range), streamed. */
export async function getObject(request: ObjectRequest): Promise<Response> {
  const { deps, tenant, bucket, key } = request;
  const info = await headOrThrow(request);
  const range = parseByteRange(request.headers.get("range"), info.size);
  const found = await storageCall(deps.storage.objects.get(tenant, bucket, key, range), {
    NOT_FOUND: () => noSuchKey(key),
  });
  if (found === undefined) throw noSuchKey(key);
  // The object may have been replaced since `head`: describe what is actually served.
  const headers = describe(request, found.info, range);
  return new Response(bodyStream(found.body), { status: range === undefined ? 200 : 206, headers });
}

/** HEAD /s3/{bucket}/{key}: GetObject's headers without the body. */
export async function headObject(request: ObjectRequest): Promise<Response> {
  const info = await headOrThrow(request);
  const range = parseByteRange(request.headers.get("range"), info.size);
  return emptyResponse(range === undefined ? 200 : 206, describe(request, info, range));
}

/** DELETE /s3/{bucket}/{key}: 204 whether or not the key existed, as S3 answers. */
export async function deleteObject(request: ObjectRequest): Promise<Response> {
  const { deps, tenant, bucket, key } = request;
  await storageCall(deps.storage.objects.delete(tenant, bucket, key, deps.writeContext("DeleteObject")), {
    NOT_FOUND: () => noSuchBucket(bucket),
  });
  return emptyResponse(204);
}

async function headOrThrow(request: ObjectRequest): Promise<ObjectInfo> {
  const { deps, tenant, bucket, key } = request;
  const info = await storageCall(deps.storage.objects.head(tenant, bucket, key), {
    NOT_FOUND: () => noSuchBucket(bucket),
  });
  if (info !== undefined) return info;
  if ((await deps.storage.buckets.get(tenant, bucket)) === undefined) throw noSuchBucket(bucket);
  throw noSuchKey(key);
}

function describe(request: S3Request, info: ObjectInfo, range: ByteRange | undefined): Headers {
  const headers = objectHeaders(info);
  if (range === undefined) {
    headers.set("content-length", String(info.size));
  } else {
    headers.set("content-length", String(range.end - range.start + 1));
    headers.set("content-range", `bytes ${range.start}-${range.end}/${info.size}`);
  }
  for (const [parameter, header] of Object.entries(RESPONSE_OVERRIDES)) {
    const value = request.query.get(parameter);
    if (value !== undefined) headers.set(header, value);
  }
  return headers;
}

export function assertKeyLength(key: string): void {
  if (Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) {
    throw new S3Error("KeyTooLongError", "Your key is too long", { MaxSizeAllowed: String(MAX_KEY_BYTES) });
  }
}

/** Refuses at once a body whose declared size is over the limit, before a byte of it is read. */
export function assertDeclaredSize(request: S3Request, maxBytes: number): void {
  const declared =
    request.headers.get("x-amz-decoded-content-length") ??
    (request.verified.claim.payloadHash.startsWith("STREAMING-")
      ? null
      : request.headers.get("content-length"));
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) {
    throw new S3Error("EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size.", {
      ProposedSize: declared,
      MaxSizeAllowed: String(maxBytes),
    });
  }
}
