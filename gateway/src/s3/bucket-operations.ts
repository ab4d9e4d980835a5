// The bucket operations: ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation.
import { storageCall } from "./error-response.js";
import { emptyResponse, xmlResponse, xmlTime } from "./responses.js";
import { noSuchBucket, S3Error } from "./s3-error.js";
import type { BucketRequest, S3Request } from "./s3-request.js";

/** GET /s3: the signing tenant's buckets, and nobody else's. */
export async function listBuckets(request: S3Request): Promise<Response> {
  const buckets = await request.deps.storage.buckets.list(request.tenant);
  return xmlResponse("ListAllMyBucketsResult", {
    Owner: { ID: request.tenant, DisplayName: request.tenant },
    Buckets: {
      Bucket: buckets.map((bucket) => ({ Name: bucket.name, CreationDate: xmlTime(bucket.createdAt) })),
    },
  });
}

/**
 * PUT /s3/{bucket}. Bucket names are per tenant; the region a `CreateBucketConfiguration` body may name is not
 * checked (one region).
 */
export async function createBucket(request: BucketRequest): Promise<Response> {
  const { deps, tenant, bucket } = request;
  await storageCall(deps.storage.buckets.create(tenant, bucket, deps.now()), {
    CONFLICT: () =>
      new S3Error(
        "BucketAlreadyOwnedByYou",
        "Your previous request to create the named bucket succeeded and you already own it.",
        { BucketName: bucket },
      ),
    INVALID_NAME: () =>
      new S3Error("InvalidBucketName", "The specified bucket is not valid.", { BucketName: bucket }),
  });
  return emptyResponse(200, { location: `/${bucket}` });
}

/** HEAD /s3/{bucket}: 200, or 404 without a body. */
export async function headBucket(request: BucketRequest): Promise<Response> {
  await requireBucket(request);
  return emptyResponse(200, { "x-amz-bucket-region": "us-east-1" });
}

/** DELETE /s3/{bucket}: refused (BucketNotEmpty) while it holds objects. */
export async function deleteBucket(request: BucketRequest): Promise<Response> {
  const { deps, tenant, bucket } = request;
  await storageCall(deps.storage.buckets.delete(tenant, bucket), {
    NOT_FOUND: () => noSuchBucket(bucket),
    CONFLICT: () =>
      new S3Error("BucketNotEmpty", "The bucket you tried to delete is not empty.", { BucketName: bucket }),
  });
  return emptyResponse(204);
}

/** GET /s3/{bucket}?location: every bucket is in us-east-1, which S3 reports as an empty constraint. */
export async function getBucketLocation(request: BucketRequest): Promise<Response> {
  await requireBucket(request);
  return xmlResponse("LocationConstraint", {});
}

export async function requireBucket(request: BucketRequest): Promise<void> {
  if ((await request.deps.storage.buckets.get(request.tenant, request.bucket)) === undefined) {
    throw noSuchBucket(request.bucket);
  }
}
