// API keys: stored only as SHA-256 hashes, so a copy of the database grants nothing.
import { newApiKey, newId, SkiffError, sha256Hex } from "@skiff/core";
import type { Database, Statement } from "better-sqlite3";
import type { ApiKeyRecord, ApiKeyRepository, ApiKeyRole } from "./types.js";

/** `sk_` plus 8 characters: enough to tell keys apart, far too little to guess the rest. */
const PREFIX_LENGTH = 11;

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

const SELECT_KEY = `
  SELECT k.id, k.tenant_id, t.name AS tenant_name, k.role, k.prefix, k.created_at, k.last_used_at, k.revoked_at
  FROM api_keys k JOIN tenants t ON t.id = k.tenant_id`;

export class SqliteApiKeyRepository implements ApiKeyRepository {
  private readonly tenantId: Statement<[string], { id: number }>;
  private readonly insert: Statement<[string, number, string, string, ApiKeyRole, number]>;
  private readonly byId: Statement<[string], ApiKeyRow>;
  private readonly byHash: Statement<[string], ApiKeyRow>;
  private readonly setLastUsed: Statement<[number, string]>;
  private readonly setRevoked: Statement<[number, string]>;

  constructor(
    db: Database,
    private readonly now: () => number,
  ) {
    this.tenantId = db.prepare("SELECT id FROM tenants WHERE name = ?");
    this.insert = db.prepare(
      "INSERT INTO api_keys (id, tenant_id, key_hash, prefix, role, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.byId = db.prepare(`${SELECT_KEY} WHERE k.id = ?`);
    this.byHash = db.prepare(`${SELECT_KEY} WHERE k.key_hash = ? AND k.revoked_at IS NULL`);
    this.setLastUsed = db.prepare("UPDATE api_keys SET last_used_at = ? WHERE id = ?");
    this.setRevoked = db.prepare("UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?");
  }

  async create(tenantName: string, role: ApiKeyRole): Promise<{ key: string; record: ApiKeyRecord }> {
    const tenant = this.tenantId.get(tenantName);
    if (tenant === undefined)
      throw new SkiffError("TENANT_NOT_FOUND", `tenant "${tenantName}" does not exist`);
    const key = newApiKey();
    const id = newId();
    this.insert.run(id, tenant.id, sha256Hex(key), key.slice(0, PREFIX_LENGTH), role, this.now());
    return { key, record: toRecord(this.byId.get(id) as ApiKeyRow) };
  }

  async findByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    const row = this.byHash.get(hash);
    return row === undefined ? undefined : toRecord(row);
  }

  async touch(id: string, now: number): Promise<void> {
    this.setLastUsed.run(now, id);
  }

  async revoke(id: string): Promise<void> {
    if (this.setRevoked.run(this.now(), id).changes === 0) {
      throw new SkiffError("NOT_FOUND", `API key ${JSON.stringify(id)} does not exist`);
    }
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
