// What a tenant holds in storage: read from the figure migration 008's triggers keep in every write's transaction;
// and what its functions' invocations used, from the hourly rows of migration 011.
import { SkiffError } from "@skiff/core";
import type { Database, Statement } from "better-sqlite3";
import type { FunctionUsage, UsageRepository } from "./types.js";

interface FunctionUsageRow {
  function_name: string;
  requests: number;
  errors: number;
  cold_starts: number;
  wall_ms: number;
  cpu_ms: number;
  mb_ms: number;
  egress_bytes: number;
}

export class SqliteUsageRepository implements UsageRepository {
  private readonly storedBytesOf: Statement<[string], { stored_bytes: number | null }>;
  private readonly tenantId: Statement<[string], { id: number }>;
  private readonly usageOf: Statement<[number, number, number], FunctionUsageRow>;

  constructor(db: Database) {
    // A LEFT JOIN so that a known tenant is told apart from an unknown one.
    this.storedBytesOf = db.prepare(`
      SELECT u.stored_bytes FROM tenants t LEFT JOIN tenant_usage u ON u.tenant_id = t.id WHERE t.name = ?`);
    this.tenantId = db.prepare("SELECT id FROM tenants WHERE name = ?");
    this.usageOf = db.prepare(`
      SELECT function_name, sum(requests) AS requests, sum(errors) AS errors, sum(cold_starts) AS cold_starts,
        sum(wall_ms) AS wall_ms, sum(cpu_ms) AS cpu_ms, sum(mb_ms) AS mb_ms, sum(egress_bytes) AS egress_bytes
      FROM function_usage
      WHERE tenant_id = ? AND hour >= ? AND hour < ?
      GROUP BY function_name ORDER BY function_name`);
  }

  async functionUsage(tenant: string, range: { from: number; to: number }): Promise<FunctionUsage[]> {
    const row = this.tenantId.get(tenant);
    if (row === undefined) throw new SkiffError("TENANT_NOT_FOUND", `tenant "${tenant}" does not exist`);
    // Rows are keyed by the hour they start: the hour holding `from` counts whole.
    const from = Math.floor(range.from / 3_600_000) * 3_600_000;
    return this.usageOf.all(row.id, from, range.to).map((u) => ({
      functionName: u.function_name,
      requests: u.requests,
      errors: u.errors,
      coldStarts: u.cold_starts,
      wallMs: u.wall_ms,
      cpuMs: u.cpu_ms,
      gbSeconds: u.mb_ms / 1024 / 1000,
      egressBytes: u.egress_bytes,
    }));
  }

  async storedBytes(tenant: string): Promise<number> {
    const row = this.storedBytesOf.get(tenant);
    if (row === undefined) throw new SkiffError("TENANT_NOT_FOUND", `tenant "${tenant}" does not exist`);
    return row.stored_bytes ?? 0;
  }
}
