// Tenants: the accounts that own functions and keys.
import { assertValidName, SkiffError } from "@skiff/core";
import type { Database, Statement } from "better-sqlite3";
import { isUniqueViolation } from "./database.js";
import type { ApiKeyRecord, ApiKeyRole, Tenant, TenantRepository } from "./types.js";

/** Creates a key for a tenant row inside the caller's transaction (the key repository's `createFor`). */
export type KeyIssuer = (tenantId: number, role: ApiKeyRole) => { key: string; record: ApiKeyRecord };

interface TenantRow {
  id: number;
  name: string;
  created_at: number;
}

export class SqliteTenantRepository implements TenantRepository {
  private readonly insert: Statement<[string, number], TenantRow>;
  private readonly byName: Statement<[string], TenantRow>;
  private readonly all: Statement<[], TenantRow>;

  private readonly createWithKeyTx: (name: string, role: ApiKeyRole) => { tenant: Tenant; key: string };

  constructor(
    db: Database,
    private readonly now: () => number,
    issueKey: KeyIssuer,
  ) {
    this.insert = db.prepare("INSERT INTO tenants (name, created_at) VALUES (?, ?) RETURNING *");
    this.byName = db.prepare("SELECT * FROM tenants WHERE name = ?");
    this.all = db.prepare("SELECT * FROM tenants ORDER BY name");
    this.createWithKeyTx = db.transaction((name: string, role: ApiKeyRole) => {
      const tenant = this.insertTenant(name);
      return { tenant, key: issueKey(tenant.id, role).key };
    });
  }

  async create(name: string): Promise<Tenant> {
    assertValidName("tenant", name);
    return this.insertTenant(name);
  }

  async createWithKey(name: string, role: ApiKeyRole): Promise<{ tenant: Tenant; key: string }> {
    assertValidName("tenant", name);
    return this.createWithKeyTx(name, role);
  }

  private insertTenant(name: string): Tenant {
    try {
      return toTenant(this.insert.get(name, this.now()) as TenantRow);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new SkiffError("CONFLICT", `tenant "${name}" already exists`, { cause: error });
      }
      throw error;
    }
  }

  async get(name: string): Promise<Tenant | undefined> {
    const row = this.byName.get(name);
    return row === undefined ? undefined : toTenant(row);
  }

  async list(): Promise<Tenant[]> {
    return this.all.all().map(toTenant);
  }
}

function toTenant(row: TenantRow): Tenant {
  return { id: row.id, name: row.name, createdAt: row.created_at };
}
