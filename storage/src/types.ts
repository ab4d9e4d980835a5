// The storage contract (DESIGN §6): asynchronous so that a PostgreSQL backend can implement it too.
import type { CodeSummary, FunctionConfig, InvocationRecord, ModuleSummary } from "@skiff/core";

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
  /** Path of the entry module. */
  main: string;
  /** Path, type and size of each module, sorted by path; never the contents. */
  modules: ModuleSummary[];
  config: FunctionConfig;
  createdAt: number;
}

/** A function with its active version: one row of the in-memory routing table. */
export interface ActiveDeployment {
  tenant: string;
  functionName: string;
  version: VersionRecord;
  /** The function's secrets, decrypted: they go to the runtime with the version, never to an API answer. */
  secrets: Record<string, string>;
}

/** What the API shows of a secret: its name and times, never its value. */
export interface SecretRecord {
  name: string;
  createdAt: number;
  updatedAt: number;
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
  /** The code blob: the canonical JSON of a CodeBundle. */
  code: Uint8Array;
  config: FunctionConfig;
  /** What the code holds, shown with the version. Absent: the blob is one ES module, `index.js`. */
  summary?: CodeSummary;
  /**
   * Secrets to create or replace with this deploy, stored in the same transaction, before the version. With
   * the function's other secrets, their names must not be vars of `config`.
   */
  secrets?: Record<string, string>;
}

/**
 * Methods throw `TENANT_NOT_FOUND` for an unknown tenant, except the lookups `get` and `getVersion`, which
 * answer `undefined`.
 */
export interface FunctionRepository {
  /**
   * Stores the code blob durably, then creates version n+1 (creating the function if needed) and makes it
   * active, in one transaction with the input's secrets. Throws `TENANT_NOT_FOUND`, `INVALID_NAME` for a name
   * that is not a DNS label or a bad secret name, `INVALID_CONFIG` for a var that is also a secret, a secret
   * over 5 KB or over 128 secrets.
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
  /** Every function's active version with its decrypted secrets, to build the routing table at start. */
  listActive(): Promise<ActiveDeployment[]>;
}

/**
 * A function's secrets, sealed with AES-256-GCM under the master key. Values go in and come out only through
 * `put` and `reveal`; every method throws `TENANT_NOT_FOUND` / `FUNCTION_NOT_FOUND` for an unknown owner.
 */
export interface SecretRepository {
  /**
   * Creates or replaces a secret; `created` says which. Throws `INVALID_NAME` for a name that is not an env var
   * name, `INVALID_CONFIG` for a value over 5 KB, a 129th secret, or a name that is a var of the active version.
   */
  put(
    tenant: string,
    functionName: string,
    name: string,
    value: string,
  ): Promise<{ secret: SecretRecord; created: boolean }>;
  /** Names and times, sorted by name. */
  list(tenant: string, functionName: string): Promise<SecretRecord[]>;
  /** Throws `NOT_FOUND` if the function has no such secret. */
  delete(tenant: string, functionName: string, name: string): Promise<void>;
  /** The decrypted values by name, for the routing table. Throws `INTERNAL_ERROR` if the master key is wrong. */
  reveal(tenant: string, functionName: string): Promise<Record<string, string>>;
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
  readonly secrets: SecretRepository;
  readonly blobs: BlobStore;
  readonly invocations: InvocationRepository;
  close(): Promise<void>;
}
