// The single-node storage backend: one SQLite file plus blob files in the data directory.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { SqliteApiKeyRepository } from "./api-key-repository.js";
import { FileBlobStore } from "./blob-store.js";
import { openDatabase } from "./database.js";
import { SqliteFunctionRepository } from "./function-repository.js";
import { SqliteInvocationRepository } from "./invocation-repository.js";
import { migrate } from "./migrate.js";
import { MIGRATIONS } from "./migrations/index.js";
import { SqliteTenantRepository } from "./tenant-repository.js";
import type { Storage } from "./types.js";

export interface StorageOptions {
  /** Created with mode 0700 if absent; holds `skiff.db` and `blobs/`. */
  dataDir: string;
  /** Epoch milliseconds; injected so tests control time. */
  now?: () => number;
}

export class SqliteStorage implements Storage {
  readonly tenants: SqliteTenantRepository;
  readonly apiKeys: SqliteApiKeyRepository;
  readonly functions: SqliteFunctionRepository;
  readonly blobs: FileBlobStore;
  readonly invocations: SqliteInvocationRepository;

  /** Expects a database already migrated; use `openStorage`. */
  constructor(
    readonly db: Database,
    blobs: FileBlobStore,
    now: () => number,
  ) {
    this.blobs = blobs;
    this.tenants = new SqliteTenantRepository(db, now);
    this.apiKeys = new SqliteApiKeyRepository(db, now);
    this.functions = new SqliteFunctionRepository(db, blobs, now);
    this.invocations = new SqliteInvocationRepository(db);
  }

  async close(): Promise<void> {
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
  const db = openDatabase(join(options.dataDir, "skiff.db"));
  try {
    migrate(db, MIGRATIONS, now);
  } catch (error) {
    db.close();
    throw error;
  }
  return new SqliteStorage(db, new FileBlobStore(blobDir), now);
}
