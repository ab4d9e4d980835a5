// API keys: stored only as SHA-256 hashes, so a copy of the database grants nothing.
import { timingSafeEqual } from "node:crypto";
import { newApiKey, newId, SkiffError, sha256Hex } from "@skiff/core";
import type { Database, Statement } from "better-sqlite3";
import type { ApiKeyRecord, ApiKeyRepository, ApiKeyRole } from "./types.js";

/** `sk_` plus 8 characters: enough to tell keys apart, far too little to guess the rest. */
const PREFIX_LENGTH = 11;

/** What `sha256Hex` produces; anything else can not be a stored key's hash. */
const SHA256_HEX = /^[0-9a-f]{64}$/;

interface ApiKeyRow {
  id: string;
  tenant_id: number;
  tenant_name: string;
  role: ApiKeyRole;
  prefix: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

const KEY_COLUMNS =
  "k.id, k.tenant_id, t.name AS tenant_name, k.role, k.prefix, k.created_at, k.last_used_at, k.revoked_at";
const KEYS_WITH_TENANT = "api_keys k JOIN tenants t ON t.id = k.tenant_id";
const SELECT_KEY = `SELECT ${KEY_COLUMNS} FROM ${KEYS_WITH_TENANT}`;

export class SqliteApiKeyRepository implements ApiKeyRepository {
  private readonly tenantId: Statement<[string], { id: number }>;
  private readonly insert: Statement<[string, number, string, string, ApiKeyRole, number]>;
  private readonly byId: Statement<[string], ApiKeyRow>;
  private readonly byHash: Statement<[string], ApiKeyRow & { key_hash: string }>;
  private readonly ofTenant: Statement<[number], ApiKeyRow>;
  private readonly setLastUsed: Statement<[number, string]>;
  private readonly setRevoked: Statement<[number, string, number]>;

  constructor(
    db: Database,
    private readonly now: () => number,
  ) {
    this.tenantId = db.prepare("SELECT id FROM tenants WHERE name = ?");
    this.insert = db.prepare(
      "INSERT INTO api_keys (id, tenant_id, key_hash, prefix, role, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.byId = db.prepare(`${SELECT_KEY} WHERE k.id = ?`);
    this.byHash = db.prepare(
      `SELECT ${KEY_COLUMNS}, k.key_hash FROM ${KEYS_WITH_TENANT} WHERE k.key_hash = ? AND k.revoked_at IS NULL`,
    );
    // rowid breaks ties between keys created in the same millisecond: the later insert is the newer key.
    this.ofTenant = db.prepare(
      `${SELECT_KEY} WHERE k.tenant_id = ? ORDER BY k.created_at DESC, k.rowid DESC`,
    );
    this.setLastUsed = db.prepare("UPDATE api_keys SET last_used_at = ? WHERE id = ?");
    this.setRevoked = db.prepare(
      "UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? AND tenant_id = ?",
    );
  }

  async create(tenantName: string, role: ApiKeyRole): Promise<{ key: string; record: ApiKeyRecord }> {
    return this.createFor(this.requireTenant(tenantName), role);
  }

  /** Synchronous, so that a tenant and its first key can be created in one transaction. */
  createFor(tenantId: number, role: ApiKeyRole): { key: string; record: ApiKeyRecord } {
    const key = newApiKey();
    const id = newId();
    this.insert.run(id, tenantId, sha256Hex(key), key.slice(0, PREFIX_LENGTH), role, this.now());
    return { key, record: toRecord(this.byId.get(id) as ApiKeyRow) };
  }

  async list(tenantName: string): Promise<ApiKeyRecord[]> {
    return this.ofTenant.all(this.requireTenant(tenantName)).map(toRecord);
  }

  /**
   * The unique index finds the row; the final say is a constant-time comparison of the stored hash with the
   * presented one, so the answer does not depend on how SQLite compares strings.
   */
  async findByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    if (typeof hash !== "string" || !SHA256_HEX.test(hash)) return undefined;
    const row = this.byHash.get(hash);
    if (row === undefined) return undefined;
    const stored = Buffer.from(row.key_hash, "hex");
    const presented = Buffer.from(hash, "hex");
    if (stored.length !== presented.length || !timingSafeEqual(stored, presented)) return undefined;
    return toRecord(row);
  }

  async touch(id: string, now: number): Promise<void> {
    this.setLastUsed.run(now, id);
  }

  async revoke(tenantName: string, id: string): Promise<void> {
    const tenantId = this.requireTenant(tenantName);
    if (this.setRevoked.run(this.now(), id, tenantId).changes === 0) {
      throw new SkiffError(
        "NOT_FOUND",
        `API key ${JSON.stringify(id)} does not exist in tenant "${tenantName}"`,
      );
    }
  }

  private requireTenant(tenantName: string): number {
    const tenant = this.tenantId.get(tenantName);
    if (tenant === undefined)
      throw new SkiffError("TENANT_NOT_FOUND", `tenant "${tenantName}" does not exist`);
    return tenant.id;
  }
}

function toRecord(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    tenantName: row.tenant_name,
    role: row.role,
    prefix: row.prefix,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}
