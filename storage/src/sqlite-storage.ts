// The single-node storage backend: one SQLite file plus blob files in the data directory.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { SqliteApiKeyRepository } from "./api-key-repository.js";
import { SqliteBacklogRepository } from "./backlog-repository.js";
import { DATABASE_FILE } from "./backup.js";
import { FileBlobStore } from "./blob-store.js";
import { BucketLookup } from "./bucket-lookup.js";
import { SqliteBucketRepository } from "./bucket-repository.js";
import { openDatabase } from "./database.js";
import { SqliteDeadLetterRepository } from "./dead-letter-repository.js";
import { SqliteEventQueue } from "./event-queue.js";
import { SqliteFunctionRepository } from "./function-repository.js";
import { SqliteInvocationRepository } from "./invocation-repository.js";
import { SqliteKvStore } from "./kv-store.js";
import { loadMasterKey } from "./master-key.js";
import { migrate } from "./migrate.js";
import { MIGRATIONS } from "./migrations/index.js";
import { SqliteMultipartStore } from "./multipart-store.js";
import { ObjectFiles } from "./object-files.js";
import { ObjectGarbage } from "./object-garbage.js";
import { ObjectNotifier } from "./object-notifier.js";
import { SqliteObjectStore } from "./object-store.js";
import { SqliteQueueDelivery } from "./queue-delivery.js";
import { SqliteQueueRepository } from "./queue-repository.js";
import { SqliteS3CredentialRepository } from "./s3-credential-repository.js";
import { SecretCipher } from "./secret-cipher.js";
import { SqliteSecretRepository } from "./secret-repository.js";
import { SecretTable } from "./secret-table.js";
import { SqliteTenantQuotaRepository } from "./tenant-quota-repository.js";
import { SqliteTenantRepository } from "./tenant-repository.js";
import { SqliteTopicRepository } from "./topic-repository.js";
import { SqliteTriggerRunRepository } from "./trigger-run-repository.js";
import type { Storage } from "./types.js";
import { SqliteUsageRepository } from "./usage-repository.js";
import { SqliteWebhookRepository } from "./webhook-repository.js";

export interface StorageOptions {
  /** Created with mode 0700 if absent; holds `skiff.db`, `blobs/`, `objects/` and, unless `masterKey` is given, `master.key`. */
  dataDir: string;
  /**
   * The key that seals secrets (the value of SKIFF_MASTER_KEY): 32 bytes as 64 hex digits or base64. Absent:
   * `<dataDir>/master.key`, created with mode 0600 on first open.
   */
  masterKey?: string | undefined;
  /** Epoch milliseconds; injected so tests control time. */
  now?: () => number;
}

export class SqliteStorage implements Storage {
  readonly tenants: SqliteTenantRepository;
  readonly apiKeys: SqliteApiKeyRepository;
  readonly functions: SqliteFunctionRepository;
  readonly secrets: SqliteSecretRepository;
  readonly blobs: FileBlobStore;
  readonly invocations: SqliteInvocationRepository;
  readonly events: SqliteEventQueue;
  readonly deadLetters: SqliteDeadLetterRepository;
  readonly triggerRuns: SqliteTriggerRunRepository;
  readonly buckets: SqliteBucketRepository;
  readonly objects: SqliteObjectStore;
  readonly multipart: SqliteMultipartStore;
  readonly kv: SqliteKvStore;
  readonly s3Credentials: SqliteS3CredentialRepository;
  readonly webhooks: SqliteWebhookRepository;
  readonly tenantQuotas: SqliteTenantQuotaRepository;
  readonly usage: SqliteUsageRepository;
  readonly backlog: SqliteBacklogRepository;
  readonly queues: SqliteQueueRepository;
  readonly queueDelivery: SqliteQueueDelivery;
  readonly topics: SqliteTopicRepository;
  /** Deletes object files nothing points at; `sweep` also finds those a crash or a cascade left behind. */
  readonly objectGarbage: ObjectGarbage;

  /** Expects a database already migrated; use `openStorage`. */
  constructor(
    readonly db: Database,
    blobs: FileBlobStore,
    cipher: SecretCipher,
    now: () => number,
    objectFiles: ObjectFiles,
  ) {
    this.blobs = blobs;
    this.apiKeys = new SqliteApiKeyRepository(db, now);
    this.tenants = new SqliteTenantRepository(db, now, (tenantId, role) =>
      this.apiKeys.createFor(tenantId, role),
    );
    const secrets = new SecretTable(db, cipher);
    this.functions = new SqliteFunctionRepository(db, blobs, secrets, now);
    this.secrets = new SqliteSecretRepository(db, secrets, now);
    this.invocations = new SqliteInvocationRepository(db);
    // The scheduler's repositories take time only as arguments: their callers hold the (injected) clock.
    this.events = new SqliteEventQueue(db);
    this.deadLetters = new SqliteDeadLetterRepository(db);
    this.triggerRuns = new SqliteTriggerRunRepository(db);
    // Object writes take their time from the WriteContext their caller gives.
    const buckets = new BucketLookup(db);
    this.objectGarbage = new ObjectGarbage(db, objectFiles);
    this.buckets = new SqliteBucketRepository(db, buckets, objectFiles, this.objectGarbage);
    this.objects = new SqliteObjectStore(
      db,
      objectFiles,
      buckets,
      new ObjectNotifier(db),
      this.objectGarbage,
    );
    this.multipart = new SqliteMultipartStore(db, objectFiles, buckets, this.objects, now);
    this.kv = new SqliteKvStore(db);
    this.s3Credentials = new SqliteS3CredentialRepository(db, cipher, now);
    this.webhooks = new SqliteWebhookRepository(db, cipher);
    this.tenantQuotas = new SqliteTenantQuotaRepository(db, now);
    this.usage = new SqliteUsageRepository(db);
    this.backlog = new SqliteBacklogRepository(db);
    this.queues = new SqliteQueueRepository(db);
    this.queueDelivery = new SqliteQueueDelivery(db);
    this.topics = new SqliteTopicRepository(db);
  }

  async close(): Promise<void> {
    // Enqueues and completions wait for the next turn to be committed together: commit them first.
    if (this.db.open) this.events.flush();
    if (this.db.open) this.db.close();
  }
}

/**
 * Opens (creating if needed) the data directory and its database, applying pending migrations.
 *
 * @example
 * const storage = await openStorage({ dataDir: "./.skiff" });
 * const { key } = await storage.apiKeys.create((await storage.tenants.create("default")).name, "admin");
 */
export async function openStorage(options: StorageOptions): Promise<SqliteStorage> {
  const now = options.now ?? Date.now;
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const blobDir = join(options.dataDir, "blobs");
  await mkdir(blobDir, { recursive: true, mode: 0o700 });
  const objectFiles = await ObjectFiles.open(join(options.dataDir, "objects"));
  const cipher = new SecretCipher(await loadMasterKey(options.dataDir, options.masterKey));
  const db = openDatabase(join(options.dataDir, DATABASE_FILE));
  try {
    migrate(db, MIGRATIONS, now);
  } catch (error) {
    db.close();
    throw error;
  }
  return new SqliteStorage(db, new FileBlobStore(blobDir), cipher, now, objectFiles);
}
