// Tenants: the accounts that own functions and keys.
import { assertValidName, SkiffError } from "@skiff/core";
import type { Database, Statement } from "better-sqlite3";
import { isUniqueViolation } from "./database.js";
import type { Tenant, TenantRepository } from "./types.js";

interface TenantRow {
  id: number;
  name: string;
  created_at: number;
}

export class SqliteTenantRepository implements TenantRepository {
  private readonly insert: Statement<[string, number], TenantRow>;
  private readonly byName: Statement<[string], TenantRow>;
  private readonly all: Statement<[], TenantRow>;

  constructor(
    db: Database,
    private readonly now: () => number,
  ) {
    this.insert = db.prepare("INSERT INTO tenants (name, created_at) VALUES (?, ?) RETURNING *");
    this.byName = db.prepare("SELECT * FROM tenants WHERE name = ?");
    this.all = db.prepare("SELECT * FROM tenants ORDER BY name");
  }

  async create(name: string): Promise<Tenant> {
    assertValidName("tenant", name);
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
