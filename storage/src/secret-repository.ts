// A function's secrets through the storage API: names and times out, values only to the routing table.
import { SkiffError } from "@skiff/core";
import type { Database, Statement } from "better-sqlite3";
import type { SecretTable } from "./secret-table.js";
import type { SecretRecord, SecretRepository } from "./types.js";

interface OwnerRow {
  id: number;
  config: string | null;
}

export class SqliteSecretRepository implements SecretRepository {
  private readonly tenantId: Statement<[string], { id: number }>;
  private readonly owner: Statement<[string, string], OwnerRow>;
  private readonly putTransaction: (
    tenant: string,
    functionName: string,
    name: string,
    value: string,
  ) => { secret: SecretRecord; created: boolean };

  constructor(
    db: Database,
    private readonly table: SecretTable,
    private readonly now: () => number,
  ) {
    this.tenantId = db.prepare("SELECT id FROM tenants WHERE name = ?");
    // The active version's config: its vars are the names a secret may not take.
    this.owner = db.prepare(`
      SELECT f.id, v.config
      FROM functions f
      JOIN tenants t ON t.id = f.tenant_id
      LEFT JOIN versions v ON v.function_id = f.id AND v.number = f.active_version
      WHERE t.name = ? AND f.name = ?`);
    const put = db.transaction((tenant: string, functionName: string, name: string, value: string) => {
      const owner = this.requireFunction(tenant, functionName);
      const vars =
        owner.config === null
          ? {}
          : ((JSON.parse(owner.config) as { vars?: Record<string, unknown> }).vars ?? {});
      const { created } = this.table.put(owner.id, { [name]: value }, vars, this.now());
      return { secret: this.table.get(owner.id, name) as SecretRecord, created: created.length > 0 };
    });
    // IMMEDIATE: the vars read and the write happen under one write lock, so a deploy can not slip between.
    this.putTransaction = (...args) => put.immediate(...args);
  }

  async put(
    tenant: string,
    functionName: string,
    name: string,
    value: string,
  ): Promise<{ secret: SecretRecord; created: boolean }> {
    return this.putTransaction(tenant, functionName, name, value);
  }

  async list(tenant: string, functionName: string): Promise<SecretRecord[]> {
    return this.table.list(this.requireFunction(tenant, functionName).id);
  }

  async delete(tenant: string, functionName: string, name: string): Promise<void> {
    if (!this.table.delete(this.requireFunction(tenant, functionName).id, name)) {
      throw new SkiffError("NOT_FOUND", `function "${functionName}" has no secret ${JSON.stringify(name)}`);
    }
  }

  async reveal(tenant: string, functionName: string): Promise<Record<string, string>> {
    return this.table.reveal(this.requireFunction(tenant, functionName).id);
  }

  private requireFunction(tenant: string, functionName: string): OwnerRow {
    const row = this.owner.get(tenant, functionName);
    if (row !== undefined) return row;
    if (this.tenantId.get(tenant) === undefined) {
      throw new SkiffError("TENANT_NOT_FOUND", `tenant "${tenant}" does not exist`);
    }
    throw new SkiffError(
      "FUNCTION_NOT_FOUND",
      `function "${functionName}" does not exist in tenant "${tenant}"`,
    );
  }
}
