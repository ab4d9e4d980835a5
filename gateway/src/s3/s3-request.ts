// What every S3 operation receives: who signed the request, what it addresses, and the gateway's services.
import type { Storage, WriteContext } from "@skiff/storage";
import type { Logger } from "pino";
import type { StoredBytesGuard } from "../quotas/stored-bytes-guard.js";
import type { QueryParam } from "./request-target.js";
import type { VerifiedSignature } from "./signature-verifier.js";

export interface S3Deps {
  storage: Storage;
  logger: Logger;
  /** Epoch ms. */
  now: () => number;
  /** Request ids. */
  newId: () => string;
  /** Largest object (and part) accepted, in bytes. */
  maxObjectBytes: number;
  /** The context of a write: its time and action, and what to do with what it notified. */
  writeContext(action: WriteContext["action"], extra?: Partial<WriteContext>): WriteContext;
  /** The tenant's maxStoredBytes quota, checked before every write. */
  storedBytes: StoredBytesGuard;
}

export interface S3Request {
  deps: S3Deps;
  /** The tenant of the access key that signed the request: everything it touches is that tenant's. */
  tenant: string;
  /** The method as sent (HEAD included). */
  method: string;
  /** Decoded once from the path; undefined for the service (ListBuckets). */
  bucket: string | undefined;
  /** Decoded once from the path; undefined for bucket operations. */
  key: string | undefined;
  query: S3Query;
  headers: Headers;
  /** The request itself, for its body. */
  raw: Request;
  verified: VerifiedSignature;
}

/** The query parameters by name (the first of repeated ones), e.g. `uploads`, `partNumber`, `list-type`. */
export class S3Query {
  private readonly values = new Map<string, string>();

  constructor(params: readonly QueryParam[]) {
    for (const [name, value] of params) if (!this.values.has(name)) this.values.set(name, value);
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  names(): string[] {
    return [...this.values.keys()];
  }
}

/** An S3 request known to address a bucket. */
export type BucketRequest = S3Request & { bucket: string };
/** An S3 request known to address an object. */
export type ObjectRequest = S3Request & { bucket: string; key: string };
