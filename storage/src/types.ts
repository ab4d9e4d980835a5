// The storage contract (DESIGN §6): asynchronous so that a PostgreSQL backend can implement it too.
import type {
  CodeSummary,
  FunctionConfig,
  InvocationRecord,
  LogLevel,
  ModuleSummary,
  Outcome,
  TenantQuotas,
} from "@skiff/core";
import type { QueueDelivery, QueueRepository, TopicRepository } from "./queue-types.js";

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
  /** Set while the function is quarantined (crashed its runtime worker repeatedly); null otherwise. */
  quarantine?: FunctionQuarantine | null;
}

/** Why and since when a function is quarantined: its `versionId` is refused until a deploy, rollback or lift. */
export interface FunctionQuarantine {
  versionId: string;
  /** Epoch ms. */
  since: number;
  crashes: number;
  reason: string;
}

/** A quarantine with the function it stops, as listed (and as the runtime's QuarantineInfo has it). */
export interface QuarantineRecord extends FunctionQuarantine {
  tenant: string;
  functionName: string;
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
  /** Creates a tenant and its first API key in one transaction; the key is shown once and never stored. */
  createWithKey(name: string, role: ApiKeyRole): Promise<{ tenant: Tenant; key: string }>;
  get(name: string): Promise<Tenant | undefined>;
  list(): Promise<Tenant[]>;
}

/** Every method but `findByHash` and `touch` throws `TENANT_NOT_FOUND` for an unknown tenant. */
export interface ApiKeyRepository {
  /** Creates a key; the returned `key` is shown once and never stored. */
  create(tenantName: string, role: ApiKeyRole): Promise<{ key: string; record: ApiKeyRecord }>;
  /** The tenant's keys, newest first, revoked ones included (with `revokedAt`). */
  list(tenantName: string): Promise<ApiKeyRecord[]>;
  /**
   * Finds a live (not revoked) key by the SHA-256 hex of the presented key; the stored hash is compared in
   * constant time.
   */
  findByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  /** Records the key's last use (callers throttle it: it is bookkeeping, not an audit log). */
  touch(id: string, now: number): Promise<void>;
  /**
   * Marks a key revoked (idempotent, the first time is kept): `findByHash` no longer finds it. Throws
   * `NOT_FOUND` for an id that is not one of this tenant's keys.
   */
  revoke(tenantName: string, id: string): Promise<void>;
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
  /**
   * Records (`info`) or clears (null) the function's quarantine. A quarantine is stored only while `versionId` is
   * still the active version (a deploy or rollback that came first has already lifted it): returns whether it was
   * stored, or, for null, whether there was one to clear. Throws `TENANT_NOT_FOUND` / `FUNCTION_NOT_FOUND`.
   */
  setQuarantine(tenant: string, name: string, info: FunctionQuarantine | null): Promise<boolean>;
  /** Quarantined functions of one tenant, or of all (to restore them into the runtime at start), by name. */
  listQuarantined(tenant?: string): Promise<QuarantineRecord[]>;
}

/** The operator's per-tenant quotas; a tenant never set has DEFAULT_QUOTAS. */
export interface TenantQuotaRepository {
  /** Throws `TENANT_NOT_FOUND`. */
  get(tenant: string): Promise<TenantQuotas>;
  /**
   * Changes the given quotas, keeping the others, and returns them all. Throws `INVALID_REQUEST` naming the
   * field for an unknown field, a value that is not a non-negative integer or null (a boolean for
   * `allowCodeGeneration`), or a `burst` below 1; `TENANT_NOT_FOUND`.
   */
  set(tenant: string, patch: Partial<TenantQuotas>): Promise<TenantQuotas>;
  /** The quotas of every tenant that has some set (the rest have DEFAULT_QUOTAS), to load at start. */
  all(): Promise<Map<string, TenantQuotas>>;
}

/** What a tenant holds in storage, measured when asked. */
export interface UsageRepository {
  /**
   * Bytes of the tenant's bucket objects plus its KV values (expired values count until they are pruned), as of
   * the last committed write. Throws `TENANT_NOT_FOUND`.
   */
  storedBytes(tenant: string): Promise<number>;
  /**
   * Invocation usage of each of the tenant's functions (deleted ones too) over the UTC hours that start in
   * `[from, to)`, from the hourly rows kept beside the invocation records (never pruned). Sorted by function
   * name; functions without invocations in the range are left out. Throws `TENANT_NOT_FOUND`.
   */
  functionUsage(tenant: string, range: { from: number; to: number }): Promise<FunctionUsage[]>;
}

/** What one function's invocations used over a time range. */
export interface FunctionUsage {
  functionName: string;
  requests: number;
  /** Invocations whose outcome was not `ok`. */
  errors: number;
  coldStarts: number;
  wallMs: number;
  cpuMs: number;
  /** Sum over invocations of memoryMb / 1024 × wallMs / 1000 (Lambda's duration measure, unrounded). */
  gbSeconds: number;
  /** Outbound fetch bytes (sent and received). */
  egressBytes: number;
}

/** The async backlog now, for metrics sampled on scrape. */
export interface BacklogSample {
  /** Async events not yet delivered (leased ones included), by tenant and kind. */
  events: Array<{ tenant: string; kind: string; count: number; oldestCreatedAt: number }>;
  /** Queue messages not yet delivered, by tenant and queue. */
  queueMessages: Array<{ tenant: string; queue: string; count: number; oldestCreatedAt: number }>;
  /** Dead letters waiting for a person, by tenant and kind. */
  deadLetters: Array<{ tenant: string; kind: string; count: number }>;
}

/** Counts over the whole platform's async backlog; one GROUP BY per table, meant for a scrape, not a request. */
export interface BacklogRepository {
  sample(): Promise<BacklogSample>;
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
  /** Only records started at or after this epoch ms. */
  since?: number;
  /** Only records with one of these outcomes (an empty list matches none). */
  outcomes?: readonly Outcome[];
  /**
   * Only records with at least one log line at this level or a more severe one (core's `logLevelSeverity`).
   * The records keep all their lines; trimming the lines below the level is the reader's choice.
   */
  minLevel?: LogLevel;
}

export interface InvocationRepository {
  /**
   * Stores a batch in one transaction. Records of a function that no longer exists are dropped (it was
   * deleted while they waited in the batch); a record whose id is already stored is ignored.
   */
  insertMany(records: InvocationRecord[]): Promise<void>;
  /** Newest first (by `startedAt`, then insertion order). Throws `TENANT_NOT_FOUND` / `FUNCTION_NOT_FOUND`. */
  list(tenant: string, functionName: string, query?: InvocationQuery): Promise<InvocationRecord[]>;
  /**
   * One record of the function by its id; undefined if it has none (never stored, pruned, or another
   * function's). Throws `TENANT_NOT_FOUND` / `FUNCTION_NOT_FOUND`.
   */
  get(tenant: string, functionName: string, id: string): Promise<InvocationRecord | undefined>;
  /** Keeps the newest `keep` records of each function, deleting older ones; returns how many it deleted. */
  prune(keep: number): Promise<number>;
}

/** What produced an async event. */
export type EventKind = "invoke" | "scheduled" | "storage" | "webhook" | "queue";

export interface EnqueueInput {
  tenant: string;
  functionName: string;
  kind: EventKind;
  /** The InvocationEvent to deliver, as JSON-safe data (bytes base64-encoded by the producer). */
  payload: unknown;
  /** A producer's idempotency key: a second enqueue with the same key for the same function is not stored. */
  idempotencyKey?: string;
  /** Not delivered before this time (epoch ms); default now. */
  availableAt?: number;
  /** Attempts already made elsewhere (a cron run that failed inline counts as attempt 1). */
  attempts?: number;
}

/** An event leased for delivery. */
export interface LeasedEvent {
  id: string;
  tenant: string;
  functionName: string;
  kind: EventKind;
  payload: unknown;
  idempotencyKey: string | null;
  /** Deliveries started so far, this one included. */
  attempts: number;
  createdAt: number;
  leaseExpiresAt: number;
}

/** A due event as `lease` offers it to `LeaseOptions.admit`, before it is leased. */
export interface LeaseCandidate {
  tenant: string;
  functionName: string;
  kind: EventKind;
  /** Parsed on first read. */
  readonly payload: unknown;
}

/** How a dispatcher keeps a lease within what it can run now (its free concurrency per function). */
export interface LeaseOptions {
  /** Functions whose events are passed over (no room for them in this process now). */
  skip?: ReadonlyArray<{ tenant: string; functionName: string }>;
  /** Asked for each due event in lease order; false leaves it unleased (not postponed, due as before). */
  admit?: (candidate: LeaseCandidate) => boolean;
  /** Stop looking after this many refused events (default 16): the lease stays cheap behind a long backlog. */
  maxRefused?: number;
}

export interface DeadLetter {
  id: string;
  tenant: string;
  functionName: string;
  kind: EventKind;
  payload: unknown;
  idempotencyKey: string | null;
  attempts: number;
  createdAt: number;
  failedAt: number;
  /** Why delivery stopped: "maxAttempts", "maxEventAge", "functionDeleted", … */
  reason: string;
  lastError: string | null;
}

/**
 * The durable async event queue (DESIGN §6). An event row is committed before `enqueue` resolves; delivery
 * leases rows with an expiry so that two processes never deliver the same event at the same time, and a crash
 * mid-delivery only delays it until the lease expires.
 */
export interface EventQueue {
  /**
   * Throws `TENANT_NOT_FOUND` / `FUNCTION_NOT_FOUND`, `INVALID_REQUEST` for a payload that is not JSON.
   * `duplicate` is true (and `id` the stored event's) for a key held by an event still queued or dead-lettered,
   * or delivered less than 24 h after it was created (`DELIVERED_KEY_WINDOW_MS`); a deleted dead letter frees it.
   */
  enqueue(input: EnqueueInput, now: number): Promise<{ id: string; duplicate: boolean }>;
  /**
   * Leases up to `limit` due events (available, not leased or lease expired), oldest due first (by `availableAt`,
   * then `createdAt`, then arrival), incrementing their attempts. `owner` names this process. `options` let
   * the caller pass over functions or single events it has no room for; those stay due, untouched.
   */
  lease(
    now: number,
    limit: number,
    owner: string,
    leaseMs: number,
    options?: LeaseOptions,
  ): Promise<LeasedEvent[]>;
  /** Keeps a lease alive while a long delivery runs. A no-op unless `owner` still holds it. */
  extendLease(id: string, owner: string, until: number): Promise<void>;
  /**
   * Delivered: the event is deleted. Like every method below that takes an `owner`, a no-op unless `owner`
   * still holds the lease (one that expired but was not leased again still counts).
   */
  complete(id: string, owner: string): Promise<void>;
  /** Failed, to be tried again at `availableAt`: the lease is released. */
  retry(id: string, owner: string, availableAt: number, error: string): Promise<void>;
  /** Put back without counting the attempt (a storage batch still filling, or the runtime refused it for now). */
  defer(id: string, owner: string, availableAt: number): Promise<void>;
  /** Failed for good: moved to the dead letters in one transaction. A null `error` keeps the last retry's. */
  deadLetter(id: string, owner: string, reason: string, error: string | null, now: number): Promise<void>;
  /** Releases every lease `owner` holds (graceful shutdown), so another process can deliver them at once. */
  releaseAll(owner: string): Promise<number>;
  /**
   * When `lease` will next find something (for the dispatcher's sleep): the earliest due time of an event not
   * leased, or lease expiry of a leased one; at or before `now` if something is due already. Undefined if empty.
   * With `later`, only times after `now` count (what is due now is known to the caller, e.g. waiting for room).
   */
  nextDue(now: number, later?: boolean): Promise<number | undefined>;
  /**
   * Events not yet delivered (leased ones included) of a function, or of every function of the tenant, and
   * when the oldest was created. Throws `TENANT_NOT_FOUND` / `FUNCTION_NOT_FOUND`.
   */
  depth(tenant: string, functionName?: string): Promise<{ count: number; oldestCreatedAt: number | null }>;
}

export interface DeadLetterRepository {
  /**
   * Newest first (by `failedAt`, then arrival); limit default 50, at most 1000. Throws `TENANT_NOT_FOUND` /
   * `FUNCTION_NOT_FOUND`.
   */
  list(tenant: string, functionName: string, limit?: number): Promise<DeadLetter[]>;
  /** Undefined also for an unknown tenant or function. */
  get(tenant: string, functionName: string, id: string): Promise<DeadLetter | undefined>;
  /**
   * Moves it back to the queue keeping its id, payload and idempotency key, with attempts reset, due now and
   * created now (its age restarts, or `maxEventAge` would dead-letter it again at once). Throws `NOT_FOUND`
   * (`TENANT_NOT_FOUND` / `FUNCTION_NOT_FOUND` for an unknown owner).
   */
  redrive(tenant: string, functionName: string, id: string, now: number): Promise<void>;
  /** Throws `NOT_FOUND`. */
  delete(tenant: string, functionName: string, id: string): Promise<void>;
}

/** One run of a cron trigger (or one retry of it). */
export interface TriggerRun {
  id: number;
  tenant: string;
  functionName: string;
  /** Identifies the trigger within the function: `${cron}|${timezone}`. */
  triggerKey: string;
  cron: string;
  timezone: string;
  /** Epoch ms the run was scheduled for (for manual runs, when it was asked for). */
  scheduledTime: number;
  attempt: number;
  version: number;
  manual: boolean;
  startedAt: number | null;
  endedAt: number | null;
  /** null while running; an invocation outcome, or "skipped" (overlap policy). */
  outcome: string | null;
  invocationId: string | null;
}

export interface ClaimInput {
  tenant: string;
  functionName: string;
  triggerKey: string;
  cron: string;
  timezone: string;
  scheduledTime: number;
  attempt: number;
  version: number;
  manual: boolean;
}

export interface TriggerRunRepository {
  /**
   * Claims a run by inserting its unique (function, trigger, scheduled time, attempt) row: resolves the run's id,
   * or undefined when another process (or an earlier tick) already claimed it.
   */
  claim(input: ClaimInput, now: number): Promise<number | undefined>;
  /** A no-op for a run that is gone (its function was deleted, or it was pruned). */
  start(runId: number, invocationId: string, startedAt: number): Promise<void>;
  /** A no-op for a run that is gone. */
  finish(runId: number, outcome: string, endedAt: number): Promise<void>;
  /**
   * Newest claim first; limit default 50, at most 1000. Only the newest runs of each function are kept (1000 by
   * default). Throws `TENANT_NOT_FOUND` / `FUNCTION_NOT_FOUND`.
   */
  list(tenant: string, functionName: string, limit?: number): Promise<TriggerRun[]>;
  /**
   * The latest scheduled time claimed for a trigger by its schedule (to find runs missed while down); manual
   * runs do not count. Undefined if none, also for an unknown tenant or function.
   */
  lastScheduled(tenant: string, functionName: string, triggerKey: string): Promise<number | undefined>;
}

/** A bucket of objects owned by one tenant. Names follow S3's rules (3–63 of a-z, 0-9, '.', '-'). */
export interface Bucket {
  tenant: string;
  name: string;
  createdAt: number;
}

export interface ObjectInfo {
  bucket: string;
  /** Any UTF-8 string of 1–1024 bytes; never a filesystem path. */
  key: string;
  size: number;
  /** MD5 hex of the content (S3's ETag, unquoted); for multipart objects `<md5 of part md5s>-<parts>`. */
  etag: string;
  sha256: string;
  contentType: string | null;
  /** User metadata (S3 `x-amz-meta-*`), lowercase names. */
  metadata: Record<string, string>;
  lastModified: number;
}

/** Which writes notify a function (DESIGN: storage-notification triggers). */
export interface NotificationRule {
  events: Array<"object-create" | "object-delete">;
  prefix?: string;
  suffix?: string;
  function: string;
  /** Messages per invocation for Workers `queue()` consumers (1–100, default 10). */
  batchSize?: number;
  /** Longest a message waits for its batch to fill, ms (0–60000, default 1000). */
  maxWaitMs?: number;
  /** Let a function that writes into the bucket that triggers it run past 16 hops of one chain. */
  allowRecursion?: boolean;
}

/** What a write was, for notifications: S3's event names and R2's actions come from it. */
export type ObjectAction = "PutObject" | "CopyObject" | "CompleteMultipartUpload" | "DeleteObject";

export interface WriteContext {
  now: number;
  action: ObjectAction;
  /** For CopyObject: the source, for R2's `copySource`. */
  copySource?: { bucket: string; key: string };
  /**
   * The notification chain this write belongs to (a function writing through its binding continues the chain of
   * the event that invoked it): `hops` is how many notified writes led here. Absent: a fresh chain (an upload).
   */
  chain?: { id: string; hops: number };
  /**
   * Told, after the write committed, what it notified: how many events were queued (the caller may wake the
   * dispatcher) and which notifications the recursion guard stopped (the caller logs them).
   */
  onNotified?(result: { queued: number; stopped: Array<{ function: string; reason: string }> }): void;
}

export interface PutObjectInput {
  /** The body as it arrives; counted while streaming and refused past `maxBytes` before it is stored. */
  body: AsyncIterable<Uint8Array> | Uint8Array;
  contentType?: string;
  metadata?: Record<string, string>;
  maxBytes: number;
}

export interface ListObjectsInput {
  prefix?: string;
  delimiter?: string;
  /**
   * Keys strictly after this one (S3 continuation token / start-after, R2 cursor). With a delimiter, an `after`
   * that is itself a common prefix (as `nextAfter` can be) also skips every key rolled up into it.
   */
  after?: string;
  /** 1–1000, default 1000. */
  limit?: number;
}

export interface ListObjectsResult {
  objects: ObjectInfo[];
  /** With a delimiter: the rolled-up prefixes. */
  commonPrefixes: string[];
  truncated: boolean;
  /** Pass as `after` to continue. */
  nextAfter?: string;
}

export interface BucketRepository {
  /** Throws `CONFLICT` if the tenant has it already, `INVALID_NAME` for a bad name. */
  create(tenant: string, name: string, now: number): Promise<Bucket>;
  list(tenant: string): Promise<Bucket[]>;
  get(tenant: string, name: string): Promise<Bucket | undefined>;
  /** Throws `CONFLICT` while it holds objects, unless `force` (then its objects go too). `NOT_FOUND`. */
  delete(tenant: string, name: string, options?: { force?: boolean }): Promise<void>;
  /** Replaces the bucket's notification rules; each target function must exist in the tenant. */
  setNotifications(tenant: string, bucket: string, rules: NotificationRule[]): Promise<void>;
  getNotifications(tenant: string, bucket: string): Promise<NotificationRule[]>;
}

/**
 * Objects in buckets: bytes in content-addressed files (temp write, fsync, rename), metadata in SQLite. A write
 * commits its metadata row and the events of every matching notification rule in ONE transaction, after the
 * file is durable: a stored object never misses its notification, and a failed write never notifies.
 *
 * Every method (multipart ones too) throws `TENANT_NOT_FOUND` for an unknown tenant and `NOT_FOUND` for an
 * unknown bucket; errors with an S3 equivalent carry it as `details.s3` (NoSuchBucket, NoSuchKey, NoSuchUpload,
 * InvalidRange, InvalidPart, InvalidPartOrder, EntityTooLarge, KeyTooLongError, MetadataTooLarge,
 * BucketNotEmpty, …).
 */
export interface ObjectStore {
  /**
   * Throws `NOT_FOUND` (bucket), `PAYLOAD_TOO_LARGE`, `INVALID_REQUEST` (key). `context.action` is what the
   * notification says (PutObject, or CopyObject / CompleteMultipartUpload for a copy made by the caller).
   */
  put(
    tenant: string,
    bucket: string,
    key: string,
    input: PutObjectInput,
    context: WriteContext,
  ): Promise<ObjectInfo>;
  head(tenant: string, bucket: string, key: string): Promise<ObjectInfo | undefined>;
  /**
   * The object and its bytes, whole or a byte range [start, end] inclusive (an end past the object is cut to its
   * last byte; a start past it throws `INVALID_REQUEST`, details.s3 InvalidRange). The body holds an open file:
   * consume it, or stop it (`return()`, as `for await … break` and ReadableStream.cancel do).
   */
  get(
    tenant: string,
    bucket: string,
    key: string,
    range?: { start: number; end: number },
  ): Promise<{ info: ObjectInfo; body: AsyncIterable<Uint8Array> } | undefined>;
  /** True if it existed. Notifies `object-delete` rules (as DeleteObject) only when it existed. */
  delete(tenant: string, bucket: string, key: string, context: WriteContext): Promise<boolean>;
  /** Notifies as CopyObject with `from` as the copy source. Throws `NOT_FOUND` (NoSuchKey) for a missing source. */
  copy(
    tenant: string,
    from: { bucket: string; key: string },
    to: { bucket: string; key: string },
    context: WriteContext,
  ): Promise<ObjectInfo>;
  list(tenant: string, bucket: string, input?: ListObjectsInput): Promise<ListObjectsResult>;
}

export interface MultipartUpload {
  uploadId: string;
  bucket: string;
  key: string;
  initiatedAt: number;
}

export interface MultipartStore {
  create(
    tenant: string,
    bucket: string,
    key: string,
    options: { contentType?: string; metadata?: Record<string, string> },
    now: number,
  ): Promise<MultipartUpload>;
  /** Parts 1–10000; a part's etag is its MD5 hex. Throws `NOT_FOUND` (NoSuchUpload). */
  uploadPart(
    tenant: string,
    bucket: string,
    uploadId: string,
    partNumber: number,
    body: AsyncIterable<Uint8Array> | Uint8Array,
    maxBytes: number,
    /** The upload\'s key: an upload used under another key is NoSuchUpload, as in S3. */
    key?: string,
  ): Promise<{ etag: string; size: number }>;
  /**
   * Joins the listed parts (ascending, etags must match; parts left out are discarded) into the object; notifies
   * as CompleteMultipartUpload whatever `context.action` says.
   */
  complete(
    tenant: string,
    bucket: string,
    uploadId: string,
    parts: Array<{ partNumber: number; etag: string }>,
    context: WriteContext,
    /** `key`: as for uploadPart; `maxBytes`: the limit for the whole object (default none). */
    options?: { key?: string; maxBytes?: number },
  ): Promise<ObjectInfo>;
  /** Throws `NOT_FOUND` (NoSuchUpload). */
  abort(tenant: string, bucket: string, uploadId: string, key?: string): Promise<void>;
}

/** Workers KV: namespaces per tenant, string keys up to 512 bytes, values up to 25 MB, optional expiry. */
export interface KvEntry {
  key: string;
  value: Uint8Array;
  metadata: unknown;
  /** Epoch seconds, or null. */
  expiration: number | null;
}

/**
 * Every method but `createNamespace` / `listNamespaces` throws `NOT_FOUND` for an unknown namespace (namespaces
 * are created explicitly), and all throw `TENANT_NOT_FOUND` for an unknown tenant.
 */
export interface KvStore {
  createNamespace(tenant: string, namespace: string, now: number): Promise<void>;
  listNamespaces(tenant: string): Promise<string[]>;
  /** Throws `NOT_FOUND`; deletes its keys. */
  deleteNamespace(tenant: string, namespace: string): Promise<void>;
  /** Expired entries are never returned (`now` decides). */
  get(tenant: string, namespace: string, key: string, now: number): Promise<KvEntry | undefined>;
  put(
    tenant: string,
    namespace: string,
    key: string,
    value: Uint8Array,
    options: { expiration?: number; metadata?: unknown },
    now: number,
  ): Promise<void>;
  delete(tenant: string, namespace: string, key: string): Promise<void>;
  list(
    tenant: string,
    namespace: string,
    options: { prefix?: string; cursor?: string; limit?: number },
    now: number,
  ): Promise<{
    keys: Array<{ name: string; expiration: number | null; metadata: unknown }>;
    cursor?: string;
    complete: boolean;
  }>;
}

/** S3 access keys: the secret is encrypted at rest like function secrets, and shown once. */
export interface S3Credential {
  accessKeyId: string;
  tenant: string;
  createdAt: number;
}

export interface S3CredentialRepository {
  create(tenant: string, now: number): Promise<{ accessKeyId: string; secretAccessKey: string }>;
  /** The tenant and the clear secret, to verify a signature. */
  resolve(accessKeyId: string): Promise<{ tenant: string; secretAccessKey: string } | undefined>;
  list(tenant: string): Promise<S3Credential[]>;
  revoke(tenant: string, accessKeyId: string): Promise<void>;
}

/** A webhook receiver of a function: a public URL `/hooks/{id}` whose requests are verified before delivery. */
export type WebhookProvider = "github" | "stripe" | "slack" | "standard" | "hmac-sha256";

export interface WebhookEndpoint {
  /** Unguessable (at least 128 random bits, URL-safe): the public URL is `/hooks/{id}`. */
  id: string;
  tenant: string;
  functionName: string;
  provider: WebhookProvider;
  mode: "async" | "sync";
  /** For `hmac-sha256`: the header carrying the hex (or `sha256=`-prefixed) signature. */
  signatureHeader: string | null;
  /** Stripe/Slack/Standard Webhooks timestamp tolerance, seconds. */
  toleranceSeconds: number;
  createdAt: number;
}

export interface CreateWebhookInput {
  provider: WebhookProvider;
  /** Stored encrypted (like function secrets); never returned. */
  secret: string;
  mode: "async" | "sync";
  signatureHeader?: string;
  toleranceSeconds?: number;
}

export type WebhookVerification = "verified" | "failed";

/** One request received at a webhook URL, verified or not, as the deliveries log shows it. */
export interface WebhookDelivery {
  id: string;
  endpointId: string;
  receivedAt: number;
  /** The provider's own delivery id (X-GitHub-Delivery, Stripe event id, webhook-id), when it gave one. */
  providerDeliveryId: string | null;
  /** The provider's event type (X-GitHub-Event, Stripe `type`, Standard `type`), when known. */
  eventType: string | null;
  verification: WebhookVerification;
  /** Why verification failed (a reason code such as `signature_mismatch`, `timestamp_expired`, `replayed`). */
  failureReason: string | null;
  /** "received" → "delivered" | "failed" | "dead" (async), or the HTTP status the function answered (sync). */
  status: string;
  invocationId: string | null;
  attempts: number;
  /** The async event carrying it, for deliveries queued through the scheduler. */
  eventId: string | null;
}

export interface StoredWebhookRequest {
  method: string;
  /** Path and query as received below `/hooks/{id}`. */
  path: string;
  headers: Array<[string, string]>;
  body: Uint8Array;
}

export interface WebhookRepository {
  /** Throws `FUNCTION_NOT_FOUND`. */
  create(
    tenant: string,
    functionName: string,
    input: CreateWebhookInput,
    now: number,
  ): Promise<WebhookEndpoint>;
  list(tenant: string, functionName: string): Promise<WebhookEndpoint[]>;
  /** By its public id, with the decrypted secret (to verify a request). */
  resolve(id: string): Promise<{ endpoint: WebhookEndpoint; secret: string } | undefined>;
  /** Throws `NOT_FOUND`. */
  delete(tenant: string, functionName: string, id: string): Promise<void>;
  /**
   * Records a received request. When `queue` is given (a verified async delivery), the async event is enqueued in
   * the SAME transaction, so the sender's 202 means the delivery is durable. A verified delivery whose
   * `providerDeliveryId` was already recorded for this endpoint within `dedupeWindowMs` is not stored again:
   * `duplicate` is true and `delivery` is the first one.
   */
  record(
    endpointId: string,
    input: {
      /** The delivery's id (default a new UUID): chosen by the caller when the queued payload must name it. */
      id?: string;
      request: StoredWebhookRequest;
      providerDeliveryId: string | null;
      eventType: string | null;
      verification: WebhookVerification;
      failureReason: string | null;
      queue?: { payload: unknown };
      dedupeWindowMs: number;
    },
    now: number,
  ): Promise<{ delivery: WebhookDelivery; duplicate: boolean }>;
  /** Updates a delivery's status (and invocation id / attempts) as it is delivered. */
  updateStatus(
    deliveryId: string,
    update: { status: string; invocationId?: string | null; attempts?: number },
  ): Promise<void>;
  /** Newest first. */
  deliveries(
    tenant: string,
    functionName: string,
    endpointId: string,
    limit?: number,
  ): Promise<WebhookDelivery[]>;
  /** One delivery with its stored request (for the detail view and replay). Throws `NOT_FOUND`. */
  delivery(
    tenant: string,
    functionName: string,
    endpointId: string,
    deliveryId: string,
  ): Promise<{ delivery: WebhookDelivery; request: StoredWebhookRequest }>;
  /** Deletes deliveries received before `before` (retention). Returns how many. */
  prune(before: number): Promise<number>;
}

export interface Storage {
  readonly tenants: TenantRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly functions: FunctionRepository;
  readonly secrets: SecretRepository;
  readonly blobs: BlobStore;
  readonly invocations: InvocationRepository;
  readonly events: EventQueue;
  readonly deadLetters: DeadLetterRepository;
  readonly triggerRuns: TriggerRunRepository;
  readonly buckets: BucketRepository;
  readonly objects: ObjectStore;
  readonly multipart: MultipartStore;
  readonly kv: KvStore;
  readonly s3Credentials: S3CredentialRepository;
  readonly webhooks: WebhookRepository;
  readonly tenantQuotas: TenantQuotaRepository;
  readonly usage: UsageRepository;
  readonly backlog: BacklogRepository;
  readonly queues: QueueRepository;
  readonly queueDelivery: QueueDelivery;
  readonly topics: TopicRepository;
  close(): Promise<void>;
}
