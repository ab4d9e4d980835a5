// CopyObject: PUT /s3/{bucket}/{key} with `x-amz-copy-source`, within the signing tenant's buckets.
import type { ObjectInfo } from "@skiff/storage";
import { storageCall } from "./error-response.js";
import { metadataFromHeaders, quoteEtag } from "./object-headers.js";
import { assertKeyLength } from "./object-operations.js";
import { decodeComponent } from "./request-target.js";
import { xmlResponse, xmlTime } from "./responses.js";
import { noSuchKey, S3Error } from "./s3-error.js";
import type { ObjectRequest } from "./s3-request.js";

export interface CopySource {
  bucket: string;
  key: string;
}

/**
 * `x-amz-copy-source` as S3 reads it: `[/]bucket/key[?versionId=…]`, URL-encoded, decoded once. Only the null
 * version exists here.
 */
export function parseCopySource(header: string): CopySource {
  const mark = header.indexOf("?");
  const path = mark === -1 ? header : header.slice(0, mark);
  if (mark !== -1) {
    const version = new URLSearchParams(header.slice(mark + 1)).get("versionId");
    if (version !== null && version !== "null") {
      throw new S3Error("InvalidArgument", "Invalid version id specified", {
        ArgumentName: "x-amz-copy-source",
        ArgumentValue: header,
      });
    }
  }
  const decoded = decodeComponent(path);
  const trimmed = decoded.startsWith("/") ? decoded.slice(1) : decoded;
  const slash = trimmed.indexOf("/");
  if (slash <= 0 || slash === trimmed.length - 1) {
    throw new S3Error(
      "InvalidArgument",
      "Copy Source must mention the source bucket and key: sourcebucket/sourcekey",
      { ArgumentName: "x-amz-copy-source", ArgumentValue: header },
    );
  }
  return { bucket: trimmed.slice(0, slash), key: trimmed.slice(slash + 1) };
}

/**
 * With `x-amz-metadata-directive: COPY` (default) the store copies content, type and metadata; with `REPLACE`
 * the source's bytes are streamed into a new object with the request's type and metadata. Either way the write
 * notifies as CopyObject with its source.
 */
export async function copyObject(request: ObjectRequest, sourceHeader: string): Promise<Response> {
  const { deps, tenant, bucket, key, headers } = request;
  assertKeyLength(key);
  const source = parseCopySource(sourceHeader);
  const directive = (headers.get("x-amz-metadata-directive") ?? "COPY").toUpperCase();
  if (directive !== "COPY" && directive !== "REPLACE") {
    throw new S3Error("InvalidArgument", "Unknown metadata directive.", {
      ArgumentName: "x-amz-metadata-directive",
      ArgumentValue: directive,
    });
  }
  if (directive === "COPY" && source.bucket === bucket && source.key === key) {
    throw new S3Error(
      "InvalidRequest",
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  const context = deps.writeContext("CopyObject", { copySource: source });
  // The copy must fit in the tenant's maxStoredBytes quota (the object it overwrites frees its bytes).
  await deps.storedBytes.assertRoom(
    tenant,
    async () => (await deps.storage.objects.head(tenant, source.bucket, source.key))?.size ?? 0,
    async () => (await deps.storage.objects.head(tenant, bucket, key))?.size ?? 0,
  );
  let info: ObjectInfo;
  if (directive === "COPY") {
    info = await storageCall(deps.storage.objects.copy(tenant, source, { bucket, key }, context), {
      NOT_FOUND: () => noSuchKey(source.key),
    });
  } else {
    const found = await storageCall(deps.storage.objects.get(tenant, source.bucket, source.key), {
      NOT_FOUND: () => noSuchKey(source.key),
    });
    if (found === undefined) throw noSuchKey(source.key);
    const contentType = headers.get("content-type") ?? undefined;
    info = await deps.storage.objects.put(
      tenant,
      bucket,
      key,
      {
        body: found.body,
        ...(contentType === undefined ? {} : { contentType }),
        metadata: metadataFromHeaders(headers),
        // The source was accepted once; copying it must not fail on a limit lowered since.
        maxBytes: Math.max(deps.maxObjectBytes, found.info.size),
      },
      context,
    );
  }
  return xmlResponse("CopyObjectResult", {
    LastModified: xmlTime(info.lastModified),
    ETag: quoteEtag(info.etag),
  });
}
