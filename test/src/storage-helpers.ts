// Helpers the storage e2e tests share: an S3 SDK client for a server, deploys with bindings, buckets with
// notification rules, dead letters, and reading an object back (or learning it is not there).

import { isDeepStrictEqual } from "node:util";
import {
  GetObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import type { AdminClient, Answer, FunctionConfig } from "./skiff-api.js";
import type { SkiffServer } from "./skiff-server.js";

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export type BindingInput =
  | { type: "bucket"; name: string; bucket: string; access?: "read" | "read-write" }
  | { type: "kv"; name: string; namespace: string };

/** A deploy's config with the storage fields the shared `FunctionConfig` does not name. */
export interface StorageFunctionConfig extends FunctionConfig {
  bindings?: BindingInput[];
}

export interface NotificationRuleInput {
  events: Array<"object-create" | "object-delete">;
  function: string;
  prefix?: string;
  suffix?: string;
  batchSize?: number;
  maxWaitMs?: number;
  allowRecursion?: boolean;
}

export interface DeadLetter {
  id: string;
  kind: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read the stored payload field by field
  payload: any;
  attempts: number;
  reason: string;
  lastError: string | null;
}

/** The official SDK as a person configures it for Skiff: endpoint `/s3`, path-style, us-east-1. */
export function s3Client(server: SkiffServer, credentials: S3Credentials): S3Client {
  return new S3Client({
    endpoint: `${server.url}/s3`,
    forcePathStyle: true,
    region: "us-east-1",
    credentials,
    // A failure must show at once, not after the SDK's retries (and a crash test must see which call failed).
    maxAttempts: 1,
  });
}

export async function issueS3Credentials(admin: AdminClient, tenant = "default"): Promise<S3Credentials> {
  const issued = await admin.call("POST", `/tenants/${tenant}/s3-credentials`);
  if (issued.status !== 201) throw new Error(`s3-credentials answered ${issued.status}: ${issued.text}`);
  return { accessKeyId: issued.json.accessKeyId, secretAccessKey: issued.json.secretAccessKey };
}

export function deploy(
  admin: AdminClient,
  name: string,
  code: string,
  config: StorageFunctionConfig = {},
  tenant = "default",
): Promise<Answer> {
  return admin.call("PUT", `/tenants/${tenant}/functions/${name}`, { code, config });
}

/** Deploys and fails the test unless the server accepted it. */
export async function mustDeploy(
  admin: AdminClient,
  name: string,
  code: string,
  config: StorageFunctionConfig = {},
  tenant = "default",
): Promise<void> {
  const answer = await deploy(admin, name, code, config, tenant);
  if (answer.status !== 201) throw new Error(`deploy ${name} answered ${answer.status}: ${answer.text}`);
}

export async function createBucket(admin: AdminClient, name: string, tenant = "default"): Promise<void> {
  const answer = await admin.call("POST", `/tenants/${tenant}/buckets`, { name });
  if (answer.status !== 201)
    throw new Error(`creating bucket ${name} answered ${answer.status}: ${answer.text}`);
}

export async function createNamespace(admin: AdminClient, name: string, tenant = "default"): Promise<void> {
  const answer = await admin.call("POST", `/tenants/${tenant}/kv`, { name });
  if (answer.status !== 201)
    throw new Error(`creating namespace ${name} answered ${answer.status}: ${answer.text}`);
}

/** Sets a bucket's rules and checks the server stored them as given. */
export async function setRules(
  admin: AdminClient,
  bucket: string,
  rules: NotificationRuleInput[],
  tenant = "default",
): Promise<void> {
  const answer = await admin.call("PUT", `/tenants/${tenant}/buckets/${bucket}/notifications`, { rules });
  if (answer.status !== 200) throw new Error(`notifications answered ${answer.status}: ${answer.text}`);
  if (!isDeepStrictEqual(answer.json.rules, rules))
    throw new Error(`stored rules differ from the ones sent: ${answer.text}`);
}

export async function deadLetters(
  admin: AdminClient,
  name: string,
  tenant = "default",
): Promise<DeadLetter[]> {
  const answer = await admin.call("GET", `/tenants/${tenant}/functions/${name}/dead-letters`);
  if (answer.status !== 200) throw new Error(`dead-letters answered ${answer.status}: ${answer.text}`);
  return answer.json.deadLetters;
}

function isNotFound(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === "NoSuchKey" || error.name === "NotFound" || error.$metadata.httpStatusCode === 404)
  );
}

/** The object's bytes, or undefined when the key does not exist (any other failure is thrown). */
export async function objectBytes(s3: S3Client, bucket: string, key: string): Promise<Buffer | undefined> {
  try {
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from((await got.Body?.transformToByteArray()) ?? new Uint8Array());
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function objectText(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  return (await objectBytes(s3, bucket, key))?.toString("utf8");
}

export async function headObject(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<HeadObjectCommandOutput | undefined> {
  try {
    return await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** The error a promise fails with (the test fails if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<S3ServiceException> {
  const outcome = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(outcome instanceof S3ServiceException)) {
    throw new Error(`expected an S3 error, got ${outcome === undefined ? "success" : String(outcome)}`);
  }
  return outcome;
}
