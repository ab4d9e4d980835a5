// Finding a function's row id by tenant and name, with the not-found errors every repository answers alike.
import { SkiffError } from "@skiff/core";
import type { Database, Statement } from "better-sqlite3";

export class FunctionLookup {
  private readonly tenantId: Statement<[string], { id: number }>;
  private readonly functionId: Statement<[string, string], { id: number }>;

  constructor(db: Database) {
    this.tenantId = db.prepare("SELECT id FROM tenants WHERE name = ?");
    this.functionId = db.prepare(
      "SELECT f.id FROM functions f JOIN tenants t ON t.id = f.tenant_id WHERE t.name = ? AND f.name = ?",
    );
  }

  /** The function's id, or undefined if the tenant or the function does not exist. */
  find(tenant: string, functionName: string): number | undefined {
    return this.functionId.get(tenant, functionName)?.id;
  }

  /** The function's id. Throws `TENANT_NOT_FOUND` / `FUNCTION_NOT_FOUND`. */
  require(tenant: string, functionName: string): number {
    const id = this.find(tenant, functionName);
    if (id !== undefined) return id;
    this.requireTenant(tenant);
    throw new SkiffError(
      "FUNCTION_NOT_FOUND",
      `function "${functionName}" does not exist in tenant "${tenant}"`,
    );
  }

  /** The tenant's id. Throws `TENANT_NOT_FOUND`. */
  requireTenant(tenant: string): number {
    const row = this.tenantId.get(tenant);
    if (row === undefined) throw new SkiffError("TENANT_NOT_FOUND", `tenant "${tenant}" does not exist`);
    return row.id;
  }
}
