// Workers KV in SQLite: namespaces per tenant, values as BLOBs, expiry in epoch seconds checked on every read.
import { isValidName, SkiffError } from "@skiff/core";
import type { Database, Statement } from "better-sqlite3";
import { isUniqueViolation } from "./database.js";
import { assertValidKvKey, isValidKey, KV_KEY_BYTES } from "./storage-key.js";
import type { KvEntry, KvStore } from "./types.js";

/** Workers KV's limits. */
export const KV_VALUE_BYTES = 25 * 1024 * 1024;
export const KV_METADATA_BYTES = 1024;
export const MAX_KV_LIST = 1000;
/** The latest expiry, epoch seconds: its milliseconds are still a safe integer. */
const MAX_EXPIRATION = Math.floor(Number.MAX_SAFE_INTEGER / 1000);
/** Expired rows deleted per write, so expiry costs a little on each put instead of a sweep. */
const PRUNE_BATCH = 100;

interface EntryRow {
  key: string;
  value: Buffer;
  metadata: string | null;
  expiration: number | null;
}

type ListedKey = { name: string; expiration: number | null; metadata: unknown };

export class SqliteKvStore implements KvStore {
  private readonly tenantId: Statement<[string], { id: number }>;
  private readonly namespaceId: Statement<[string, string], { id: number }>;
  private readonly insertNamespace: Statement<[number, string, number]>;
  private readonly namespaces: Statement<[number], { name: string }>;
  private readonly removeNamespace: Statement<[number]>;
  private readonly entry: Statement<[number, string], EntryRow>;
  private readonly upsert: Statement<[number, string, Buffer, string | null, number | null]>;
  private readonly remove: Statement<[number, string]>;
  private readonly removeExpired: Statement<[number, string, number]>;
  private readonly prune: Statement<[number, number, number]>;
  private readonly page: Statement<[number, string, string, number, number], Omit<EntryRow, "value">>;
  /** The write and its share of expiry pruning: one transaction, one commit. */
  private readonly putEntry: (
    namespaceId: number,
    key: string,
    value: Buffer,
    metadata: string | null,
    expiration: number | null,
    now: number,
  ) => void;

  constructor(db: Database) {
    this.tenantId = db.prepare("SELECT id FROM tenants WHERE name = ?");
    this.namespaceId = db.prepare(`
      SELECT n.id FROM kv_namespaces n JOIN tenants t ON t.id = n.tenant_id WHERE t.name = ? AND n.name = ?`);
    this.insertNamespace = db.prepare(
      "INSERT INTO kv_namespaces (tenant_id, name, created_at) VALUES (?, ?, ?)",
    );
    this.namespaces = db.prepare("SELECT name FROM kv_namespaces WHERE tenant_id = ? ORDER BY name");
    this.removeNamespace = db.prepare("DELETE FROM kv_namespaces WHERE id = ?");
    this.entry = db.prepare(
      "SELECT key, value, metadata, expiration FROM kv_entries WHERE namespace_id = ? AND key = ?",
    );
    this.upsert = db.prepare(`
      INSERT INTO kv_entries (namespace_id, key, value, metadata, expiration) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (namespace_id, key) DO UPDATE SET
        value = excluded.value, metadata = excluded.metadata, expiration = excluded.expiration`);
    this.remove = db.prepare("DELETE FROM kv_entries WHERE namespace_id = ? AND key = ?");
    this.removeExpired = db.prepare(
      "DELETE FROM kv_entries WHERE namespace_id = ? AND key = ? AND expiration IS NOT NULL AND expiration * 1000 <= ?",
    );
    this.prune = db.prepare(`
      DELETE FROM kv_entries WHERE rowid IN (
        SELECT rowid FROM kv_entries INDEXED BY kv_entries_expiring
        WHERE namespace_id = ? AND expiration IS NOT NULL AND expiration * 1000 <= ? LIMIT ?)`);
    // Range conditions, not LIKE: a key may hold '%', '_' or NUL. Values stay out of the list query.
    this.page = db.prepare(`
      SELECT key, metadata, expiration FROM kv_entries
      WHERE namespace_id = ? AND key >= ? AND key > ? AND (expiration IS NULL OR expiration * 1000 > ?)
      ORDER BY key LIMIT ?`);
    this.putEntry = db.transaction((namespaceId, key, value, metadata, expiration, now) => {
      this.upsert.run(namespaceId, key, value, metadata, expiration);
      this.prune.run(namespaceId, now, PRUNE_BATCH);
    });
  }

  async createNamespace(tenant: string, namespace: string, now: number): Promise<void> {
    assertValidNamespace(namespace);
    const tenantId = this.requireTenant(tenant);
    try {
      this.insertNamespace.run(tenantId, namespace, now);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new SkiffError("CONFLICT", `KV namespace "${namespace}" already exists in tenant "${tenant}"`);
      }
      throw error;
    }
  }

  async listNamespaces(tenant: string): Promise<string[]> {
    return this.namespaces.all(this.requireTenant(tenant)).map((row) => row.name);
  }

  async deleteNamespace(tenant: string, namespace: string): Promise<void> {
    this.removeNamespace.run(this.requireNamespace(tenant, namespace));
  }

  async get(tenant: string, namespace: string, key: string, now: number): Promise<KvEntry | undefined> {
    const namespaceId = this.requireNamespace(tenant, namespace);
    assertValidKvKey(key);
    const row = this.entry.get(namespaceId, key);
    if (row === undefined) return undefined;
    if (row.expiration !== null && row.expiration * 1000 <= now) {
      // Conditional: a put may have replaced it since the read.
      this.removeExpired.run(namespaceId, key, now);
      return undefined;
    }
    return {
      key: row.key,
      value: new Uint8Array(row.value.buffer, row.value.byteOffset, row.value.byteLength),
      metadata: parseMetadata(row.metadata),
      expiration: row.expiration,
    };
  }

  async put(
    tenant: string,
    namespace: string,
    key: string,
    value: Uint8Array,
    options: { expiration?: number; metadata?: unknown },
    now: number,
  ): Promise<void> {
    const namespaceId = this.requireNamespace(tenant, namespace);
    assertValidKvKey(key);
    if (!(value instanceof Uint8Array)) throw new SkiffError("INVALID_REQUEST", "a KV value is bytes");
    if (value.byteLength > KV_VALUE_BYTES) {
      throw new SkiffError(
        "PAYLOAD_TOO_LARGE",
        `the KV value is ${value.byteLength} bytes; the limit is ${KV_VALUE_BYTES}`,
      );
    }
    const expiration = checkExpiration(options.expiration, now);
    const metadata = metadataJson(options.metadata);
    this.putEntry(
      namespaceId,
      key,
      Buffer.from(value.buffer, value.byteOffset, value.byteLength),
      metadata,
      expiration,
      now,
    );
  }

  async delete(tenant: string, namespace: string, key: string): Promise<void> {
    const namespaceId = this.requireNamespace(tenant, namespace);
    assertValidKvKey(key);
    this.remove.run(namespaceId, key);
  }

  async list(
    tenant: string,
    namespace: string,
    options: { prefix?: string; cursor?: string; limit?: number },
    now: number,
  ): Promise<{ keys: ListedKey[]; cursor?: string; complete: boolean }> {
    const namespaceId = this.requireNamespace(tenant, namespace);
    const prefix = options.prefix ?? "";
    const after = options.cursor === undefined || options.cursor === "" ? "" : decodeCursor(options.cursor);
    const limit = listLimit(options.limit);
    const keys: ListedKey[] = [];
    let complete = true;
    for (const row of this.page.all(namespaceId, prefix, after, now, limit + 1)) {
      // Keys with the prefix sort together from the prefix on: the first one without it ends the list.
      if (!row.key.startsWith(prefix)) break;
      if (keys.length === limit) {
        complete = false;
        break;
      }
      keys.push({ name: row.key, expiration: row.expiration, metadata: parseMetadata(row.metadata) });
    }
    const last = keys.at(-1);
    return complete || last === undefined
      ? { keys, complete: true }
      : { keys, cursor: encodeCursor(last.name), complete };
  }

  private requireTenant(tenant: string): number {
    const row = this.tenantId.get(tenant);
    if (row === undefined) throw new SkiffError("TENANT_NOT_FOUND", `tenant "${tenant}" does not exist`);
    return row.id;
  }

  private requireNamespace(tenant: string, namespace: string): number {
    const row = this.namespaceId.get(tenant, namespace);
    if (row !== undefined) return row.id;
    this.requireTenant(tenant);
    const shown = typeof namespace === "string" ? namespace.slice(0, 80) : "";
    throw new SkiffError(
      "NOT_FOUND",
      `KV namespace ${JSON.stringify(shown)} does not exist in tenant "${tenant}"`,
    );
  }
}

function assertValidNamespace(name: string): void {
  if (!isValidName(name)) {
    const shown = name.length > 80 ? `${name.slice(0, 80)}…` : name;
    throw new SkiffError(
      "INVALID_NAME",
      `invalid KV namespace name ${JSON.stringify(shown)}: use 1-63 characters of a-z, 0-9 and '-', not starting or ending with '-'`,
    );
  }
}

/** Any future time (epoch seconds) is accepted; whole seconds are stored, rounded up so it stays in the future. */
function checkExpiration(expiration: number | undefined, now: number): number | null {
  if (expiration === undefined) return null;
  if (
    typeof expiration !== "number" ||
    !Number.isFinite(expiration) ||
    expiration * 1000 <= now ||
    expiration > MAX_EXPIRATION
  ) {
    throw new SkiffError(
      "INVALID_REQUEST",
      `expiration ${String(expiration)} is not in the future (now is ${Math.floor(now / 1000)} epoch seconds)`,
    );
  }
  return Math.ceil(expiration);
}

function metadataJson(metadata: unknown): string | null {
  if (metadata === undefined || metadata === null) return null;
  let json: string | undefined;
  try {
    json = JSON.stringify(metadata);
  } catch {
    json = undefined;
  }
  if (json === undefined) throw new SkiffError("INVALID_REQUEST", "KV metadata must be JSON");
  if (Buffer.byteLength(json, "utf8") > KV_METADATA_BYTES) {
    throw new SkiffError("INVALID_REQUEST", `KV metadata is at most ${KV_METADATA_BYTES} bytes of JSON`);
  }
  return json;
}

function parseMetadata(json: string | null): unknown {
  return json === null ? null : (JSON.parse(json) as unknown);
}

function listLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return MAX_KV_LIST;
  return Math.min(MAX_KV_LIST, Math.max(1, Math.floor(limit)));
}

/** An opaque cursor: the last key listed, base64url. */
function encodeCursor(key: string): string {
  return Buffer.from(key, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): string {
  const key = typeof cursor === "string" ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  if (!isValidKey(key, KV_KEY_BYTES) || encodeCursor(key) !== cursor) {
    throw new SkiffError("INVALID_REQUEST", "the list cursor is not one this namespace gave out");
  }
  return key;
}
