// Bucket names: S3's rules, so a bucket name works in a path-style S3 URL as it would on AWS.
import { SkiffError } from "@skiff/core";

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP_ADDRESS = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** 3–63 of a-z, 0-9, '.' and '-', starting and ending with a letter or digit, no '..', not an IPv4 address. */
export function isValidBucketName(name: string): boolean {
  return BUCKET_NAME.test(name) && !name.includes("..") && !IP_ADDRESS.test(name);
}

/** Throws `INVALID_NAME` unless `name` is a valid bucket name. */
export function assertValidBucketName(name: string): void {
  if (!isValidBucketName(name)) {
    const shown = name.length > 80 ? `${name.slice(0, 80)}…` : name;
    throw new SkiffError(
      "INVALID_NAME",
      `invalid bucket name ${JSON.stringify(shown)}: use 3-63 characters of a-z, 0-9, '.' and '-', starting and ` +
        "ending with a letter or digit, without '..', not shaped like an IP address",
      { details: { s3: "InvalidBucketName" } },
    );
  }
}
