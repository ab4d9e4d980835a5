// The storage contract (DESIGN §6): asynchronous so that a PostgreSQL backend can implement it too.
import type { FunctionConfig, InvocationRecord } from "@skiff/core";

export interface Tenant {
  id: number;
  name: string;
  createdAt: number;
}

export type ApiKeyRole = "admin" | "deploy" | "read";

/** A stored API key: the key itself is never stored, only its SHA-256 hash. */
export interface ApiKeyRecord {
  id: string;
  tenantId: number;
  tenantName: string;
  role: ApiKeyRole;
  /** The first characters of the key, so a person can tell keys apart. */
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface FunctionRecord {
  id: number;
  tenantId: number;
  tenantName: string;
  name: string;
  /** Number of the active version; null only transiently. */
  activeVersion: number | null;
  createdAt: number;
  updatedAt: number;
}

/** An immutable snapshot of a function's code and configuration. */
export interface VersionRecord {
  /** Globally unique id (never reused, even after the function is deleted and recreated): the isolate cache key. */
  id: string;
  functionId: number;
  number: number;
  /** SHA-256 hex of the code blob. */
  codeHash: string;
  codeSize: number;
  config: FunctionConfig;
  createdAt: number;
}

/** A function with its active version: one row of the in-memory routing table. */
export interface ActiveDeployment {
  tenant: string;
  functionName: string;
  version: VersionRecord;
}

export interface TenantRepository {
  /** Throws `CONFLICT` if the name is taken, `INVALID_NAME` if it is not a DNS label. */
  create(name: string): Promise<Tenant>;
  get(name: string): Promise<Tenant | undefined>;
  list(): Promise<Tenant[]>;
}

export interface ApiKeyRepository {
  /** Creates a key; the returned `key` is shown once and never stored. */
  create(tenantName: string, role: ApiKeyRole): Promise<{ key: string; record: ApiKeyRecord }>;
  /** Finds a live (not revoked) key by the SHA-256 hex of the presented key. */
  findByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  touch(id: string, now: number): Promise<void>;
  /** Marks a key revoked (idempotent): `findByHash` no longer finds it. Throws `NOT_FOUND` for an unknown id. */
  revoke(id: string): Promise<void>;
}

export interface DeployInput {
  code: Uint8Array;
  config: FunctionConfig;
}

/**
 * Methods throw `TENANT_NOT_FOUND` for an unknown tenant, except the lookups `get` and `getVersion`, which
 * answer `undefined`.
 */
export interface FunctionRepository {
  /**
   * Stores the code blob durably, then creates version n+1 (creating the function if needed) and makes it
   * active, in one transaction. Throws `TENANT_NOT_FOUND`, or `INVALID_NAME` for a name that is not a DNS
   * label.
   */
  deploy(
    tenant: string,
    name: string,
    input: DeployInput,
  ): Promise<{ function: FunctionRecord; version: VersionRecord }>;
  get(tenant: string, name: string): Promise<FunctionRecord | undefined>;
  /** Sorted by name. Throws `TENANT_NOT_FOUND`. */
  list(tenant: string): Promise<FunctionRecord[]>;
  /** Deletes the function, its versions and invocation records. Throws `FUNCTION_NOT_FOUND`. */
  delete(tenant: string, name: string): Promise<void>;
  /** Ascending by number. Throws `FUNCTION_NOT_FOUND`. */
  listVersions(tenant: string, name: string): Promise<VersionRecord[]>;
  getVersion(tenant: string, name: string, number: number): Promise<VersionRecord | undefined>;
  /** Points the function at an existing version (rollback). Throws `FUNCTION_NOT_FOUND` / `VERSION_NOT_FOUND`. */
  activate(
    tenant: string,
    name: string,
    number: number,
  ): Promise<{ function: FunctionRecord; version: VersionRecord }>;
  /** Every function's active version, to build the routing table at start. */
  listActive(): Promise<ActiveDeployment[]>;
}

/** Content-addressed blobs: written to a temp file, fsynced, renamed; keyed by SHA-256 hex. */
export interface BlobStore {
  put(bytes: Uint8Array): Promise<{ sha256: string; size: number }>;
  /** Throws `NOT_FOUND` if absent. */
  get(sha256: string): Promise<Uint8Array>;
  has(sha256: string): Promise<boolean>;
}

export interface InvocationQuery {
  /** Default 50, at most 1000. */
  limit?: number;
}

export interface InvocationRepository {
  /**
   * Stores a batch in one transaction. Records of a function that no longer exists are dropped (it was
   * deleted while they waited in the batch); a record whose id is already stored is ignored.
   */
  insertMany(records: InvocationRecord[]): Promise<void>;
  /** Newest first (by `startedAt`, then insertion order). Throws `TENANT_NOT_FOUND` / `FUNCTION_NOT_FOUND`. */
  list(tenant: string, functionName: string, query?: InvocationQuery): Promise<InvocationRecord[]>;
  /** Keeps the newest `keep` records of each function, deleting older ones; returns how many it deleted. */
  prune(keep: number): Promise<number>;
}

export interface Storage {
  readonly tenants: TenantRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly functions: FunctionRepository;
  readonly blobs: BlobStore;
  readonly invocations: InvocationRepository;
  close(): Promise<void>;
}
