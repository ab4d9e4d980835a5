// Multipart uploads: CreateMultipartUpload, UploadPart, CompleteMultipartUpload, AbortMultipartUpload.
import { readAll } from "./body-stream.js";
import { storageCall } from "./error-response.js";
import { metadataFromHeaders, quoteEtag, unquoteEtag } from "./object-headers.js";
import { assertDeclaredSize, assertKeyLength } from "./object-operations.js";
import { requestBody } from "./request-body.js";
import { emptyResponse, xmlResponse } from "./responses.js";
import { noSuchBucket, noSuchUpload, S3Error } from "./s3-error.js";
import type { ObjectRequest } from "./s3-request.js";
import { childList, childText, parseXmlBody } from "./xml.js";

const MAX_PART_NUMBER = 10_000;
/** 10 000 parts of about 100 bytes of XML each. */
const MAX_COMPLETE_BODY_BYTES = 4 * 1024 * 1024;

/** POST /s3/{bucket}/{key}?uploads: content type and metadata are taken now, as S3 does. */
export async function createMultipartUpload(request: ObjectRequest): Promise<Response> {
  const { deps, tenant, bucket, key, headers } = request;
  assertKeyLength(key);
  const contentType = headers.get("content-type") ?? undefined;
  const upload = await storageCall(
    deps.storage.multipart.create(
      tenant,
      bucket,
      key,
      { ...(contentType === undefined ? {} : { contentType }), metadata: metadataFromHeaders(headers) },
      deps.now(),
    ),
    { NOT_FOUND: () => noSuchBucket(bucket) },
  );
  return xmlResponse("InitiateMultipartUploadResult", {
    Bucket: bucket,
    Key: key,
    UploadId: upload.uploadId,
  });
}

/** PUT /s3/{bucket}/{key}?partNumber=N&uploadId=U: the part is streamed in under the object limit. */
export async function uploadPart(request: ObjectRequest, uploadId: string): Promise<Response> {
  const { deps, tenant, bucket, key } = request;
  const partNumber = parsePartNumber(request.query.get("partNumber"));
  assertDeclaredSize(request, deps.maxObjectBytes);
  const part = await storageCall(
    // A part larger than the room left in the tenant's maxStoredBytes quota could never be completed.
    deps.storedBytes.write(tenant, deps.maxObjectBytes, 0, (maxBytes) =>
      deps.storage.multipart.uploadPart(
        tenant,
        bucket,
        uploadId,
        partNumber,
        requestBody(request.raw, request.verified),
        maxBytes,
        key,
      ),
    ),
    { NOT_FOUND: () => noSuchUpload(uploadId) },
  );
  return emptyResponse(200, { etag: quoteEtag(part.etag) });
}

/** POST /s3/{bucket}/{key}?uploadId=U with `<CompleteMultipartUpload><Part>…</Part></CompleteMultipartUpload>`. */
export async function completeMultipartUpload(request: ObjectRequest, uploadId: string): Promise<Response> {
  const { deps, tenant, bucket, key } = request;
  const bytes = await readAll(
    requestBody(request.raw, request.verified),
    MAX_COMPLETE_BODY_BYTES,
    () => new S3Error("MalformedXML", "The XML you provided was larger than this server accepts."),
  );
  const document = parseXmlBody(bytes, "CompleteMultipartUpload", ["Part"]);
  const parts = childList(document, "Part").map((part) => {
    const etag = childText(part, "ETag");
    const number = childText(part, "PartNumber");
    if (etag === undefined || number === undefined) {
      throw new S3Error(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema: every <Part> needs a <PartNumber> and an <ETag>.",
      );
    }
    return { partNumber: parsePartNumber(number.trim()), etag: unquoteEtag(etag) };
  });
  if (parts.length === 0) {
    throw new S3Error(
      "MalformedXML",
      "The XML you provided was not well-formed or did not validate against our published schema: list at least one part.",
    );
  }
  for (let i = 1; i < parts.length; i++) {
    if ((parts[i]?.partNumber ?? 0) <= (parts[i - 1]?.partNumber ?? 0)) {
      throw new S3Error(
        "InvalidPartOrder",
        "The list of parts was not in ascending order. The parts list must be specified in order of the part number.",
      );
    }
  }
  const replacing = async () => (await deps.storage.objects.head(tenant, bucket, key))?.size ?? 0;
  const info = await storageCall(
    // The whole object is held to the object limit and the tenant's maxStoredBytes quota, and the upload to
    // the key it was started for.
    deps.storedBytes.write(tenant, deps.maxObjectBytes, replacing, (maxBytes) =>
      deps.storage.multipart.complete(
        tenant,
        bucket,
        uploadId,
        parts,
        deps.writeContext("CompleteMultipartUpload"),
        { key, maxBytes },
      ),
    ),
    { NOT_FOUND: () => noSuchUpload(uploadId) },
  );
  return xmlResponse("CompleteMultipartUploadResult", {
    Location: `/${bucket}/${key}`,
    Bucket: bucket,
    Key: key,
    ETag: quoteEtag(info.etag),
  });
}

/** DELETE /s3/{bucket}/{key}?uploadId=U: 204; the parts are gone. */
export async function abortMultipartUpload(request: ObjectRequest, uploadId: string): Promise<Response> {
  const { deps, tenant, bucket, key } = request;
  await storageCall(deps.storage.multipart.abort(tenant, bucket, uploadId, key), {
    NOT_FOUND: () => noSuchUpload(uploadId),
  });
  return emptyResponse(204);
}

function parsePartNumber(value: string | undefined): number {
  const number = value !== undefined && /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(number >= 1 && number <= MAX_PART_NUMBER)) {
    throw new S3Error(
      "InvalidArgument",
      `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`,
      {
        ArgumentName: "partNumber",
        ArgumentValue: value ?? "",
      },
    );
  }
  return number;
}
