// Picks the S3 operation for a request: S3 routes by method, by what the path addresses, and by query subresource.
import {
  createBucket,
  deleteBucket,
  getBucketLocation,
  headBucket,
  listBuckets,
} from "./bucket-operations.js";
import { copyObject } from "./copy-object.js";
import { deleteObjects } from "./delete-objects.js";
import { listObjects } from "./list-objects.js";
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  uploadPart,
} from "./multipart-operations.js";
import { deleteObject, getObject, headObject, putObject } from "./object-operations.js";
import { S3Error } from "./s3-error.js";
import type { BucketRequest, ObjectRequest, S3Request } from "./s3-request.js";

/**
 * S3 subresources (query parameters that select another operation on the same path). Those an operation here
 * does not handle are answered NotImplemented rather than mistaken for the plain operation (`GET ?acl` must not
 * list the bucket, `PUT ?tagging` must not overwrite the object).
 */
const SUBRESOURCES = new Set([
  "accelerate",
  "acl",
  "analytics",
  "attributes",
  "cors",
  "delete",
  "encryption",
  "intelligent-tiering",
  "inventory",
  "legal-hold",
  "lifecycle",
  "location",
  "logging",
  "metadataTable",
  "metrics",
  "notification",
  "object-lock",
  "ownershipControls",
  "partNumber",
  "policy",
  "policyStatus",
  "publicAccessBlock",
  "replication",
  "requestPayment",
  "restore",
  "retention",
  "select",
  "session",
  "tagging",
  "torrent",
  "uploadId",
  "uploads",
  "versioning",
  "versions",
  "website",
]);

/** Runs the operation the request asks for. */
export function runOperation(request: S3Request): Promise<Response> {
  const { bucket, key, method } = request;
  if (bucket === undefined) {
    if (method === "GET" || method === "HEAD") return listBuckets(request);
    throw methodNotAllowed(method);
  }
  if (key === undefined) return bucketOperation({ ...request, bucket });
  return objectOperation({ ...request, bucket, key });
}

function bucketOperation(request: BucketRequest): Promise<Response> {
  const { method, query } = request;
  const subresource = subresourceOf(request);
  switch (method) {
    case "GET":
      if (subresource === "location") return getBucketLocation(request);
      if (subresource === undefined) return listObjects(request);
      break;
    case "HEAD":
      if (subresource === undefined) return headBucket(request);
      break;
    case "PUT":
      if (subresource === undefined) return createBucket(request);
      break;
    case "DELETE":
      if (subresource === undefined) return deleteBucket(request);
      break;
    case "POST":
      if (query.has("delete")) return deleteObjects(request);
      break;
    default:
      throw methodNotAllowed(method);
  }
  throw notImplemented(subresource ?? method);
}

function objectOperation(request: ObjectRequest): Promise<Response> {
  const { method, query, headers } = request;
  const subresource = subresourceOf(request);
  const uploadId = query.get("uploadId");
  const copySource = headers.get("x-amz-copy-source");
  switch (method) {
    case "GET":
      if (subresource === undefined) return getObject(request);
      break;
    case "HEAD":
      if (subresource === undefined) return headObject(request);
      break;
    case "PUT":
      if (
        uploadId !== undefined &&
        query.has("partNumber") &&
        onlySubresources(request, ["uploadId", "partNumber"])
      ) {
        if (copySource !== null) throw notImplemented("UploadPartCopy");
        return uploadPart(request, uploadId);
      }
      if (subresource === undefined)
        return copySource === null ? putObject(request) : copyObject(request, copySource);
      break;
    case "DELETE":
      if (uploadId !== undefined && onlySubresources(request, ["uploadId"])) {
        return abortMultipartUpload(request, uploadId);
      }
      if (subresource === undefined) return deleteObject(request);
      break;
    case "POST":
      if (query.has("uploads") && onlySubresources(request, ["uploads"]))
        return createMultipartUpload(request);
      if (uploadId !== undefined && onlySubresources(request, ["uploadId"])) {
        return completeMultipartUpload(request, uploadId);
      }
      break;
    default:
      throw methodNotAllowed(method);
  }
  throw notImplemented(subresource ?? method);
}

/** The first subresource named in the query; `versionId=null` (the only version there is) is not one. */
function subresourceOf(request: S3Request): string | undefined {
  return request.query
    .names()
    .find((name) => SUBRESOURCES.has(name) || (name === "versionId" && request.query.get(name) !== "null"));
}

function onlySubresources(request: S3Request, allowed: string[]): boolean {
  return request.query.names().every((name) => !SUBRESOURCES.has(name) || allowed.includes(name));
}

function notImplemented(what: string): S3Error {
  return new S3Error(
    "NotImplemented",
    `A header or query you provided implies functionality that is not implemented (${what}).`,
  );
}

function methodNotAllowed(method: string): S3Error {
  return new S3Error("MethodNotAllowed", "The specified method is not allowed against this resource.", {
    Method: method,
  });
}
