// The operator's per-tenant quotas: one row per tenant that has any set, DEFAULT_QUOTAS for the rest.
import { DEFAULT_QUOTAS, SkiffError, type TenantQuotas } from "@skiff/core";
import type { Database, Statement } from "better-sqlite3";
import { applyQuotaPatch } from "./quota-patch.js";
import type { TenantQuotaRepository } from "./types.js";

interface QuotaRow {
  max_functions: number | null;
  max_isolate_memory_mb: number | null;
  max_concurrent_invocations: number | null;
  requests_per_second: number | null;
  burst: number | null;
  max_stored_bytes: number | null;
  async_events_per_minute: number | null;
  allow_code_generation: number;
}

type UpsertArgs = [
  number,
  number | null,
  number | null,
  number | null,
  number | null,
  number | null,
  number | null,
  number | null,
  number,
  number,
];

export class SqliteTenantQuotaRepository implements TenantQuotaRepository {
  private readonly tenantId: Statement<[string], { id: number }>;
  private readonly byTenant: Statement<[number], QuotaRow>;
  private readonly everyTenant: Statement<[], QuotaRow & { tenant_name: string }>;
  private readonly upsert: Statement<UpsertArgs>;
  private readonly setTransaction: (tenant: string, patch: unknown) => TenantQuotas;

  constructor(
    db: Database,
    private readonly now: () => number,
  ) {
    this.tenantId = db.prepare("SELECT id FROM tenants WHERE name = ?");
    this.byTenant = db.prepare("SELECT * FROM tenant_quotas WHERE tenant_id = ?");
    this.everyTenant = db.prepare(`
      SELECT q.*, t.name AS tenant_name FROM tenant_quotas q JOIN tenants t ON t.id = q.tenant_id ORDER BY t.name`);
    this.upsert = db.prepare(`
      INSERT INTO tenant_quotas (tenant_id, max_functions, max_isolate_memory_mb, max_concurrent_invocations,
        requests_per_second, burst, max_stored_bytes, async_events_per_minute, allow_code_generation, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (tenant_id) DO UPDATE SET
        max_functions = excluded.max_functions,
        max_isolate_memory_mb = excluded.max_isolate_memory_mb,
        max_concurrent_invocations = excluded.max_concurrent_invocations,
        requests_per_second = excluded.requests_per_second,
        burst = excluded.burst,
        max_stored_bytes = excluded.max_stored_bytes,
        async_events_per_minute = excluded.async_events_per_minute,
        allow_code_generation = excluded.allow_code_generation,
        updated_at = excluded.updated_at`);
    // Read and write in one IMMEDIATE transaction, so two operators' patches to different fields both stay.
    const set = db.transaction((tenant: string, patch: unknown) => {
      const tenantId = this.requireTenant(tenant);
      const row = this.byTenant.get(tenantId);
      const quotas = applyQuotaPatch(row === undefined ? DEFAULT_QUOTAS : toQuotas(row), patch);
      this.upsert.run(
        tenantId,
        quotas.maxFunctions,
        quotas.maxIsolateMemoryMb,
        quotas.maxConcurrentInvocations,
        quotas.requestsPerSecond,
        quotas.burst,
        quotas.maxStoredBytes,
        quotas.asyncEventsPerMinute,
        quotas.allowCodeGeneration ? 1 : 0,
        this.now(),
      );
      return quotas;
    });
    this.setTransaction = (...args) => set.immediate(...args);
  }

  async get(tenant: string): Promise<TenantQuotas> {
    const row = this.byTenant.get(this.requireTenant(tenant));
    return row === undefined ? { ...DEFAULT_QUOTAS } : toQuotas(row);
  }

  async set(tenant: string, patch: Partial<TenantQuotas>): Promise<TenantQuotas> {
    return this.setTransaction(tenant, patch);
  }

  async all(): Promise<Map<string, TenantQuotas>> {
    return new Map(this.everyTenant.all().map((row) => [row.tenant_name, toQuotas(row)]));
  }

  private requireTenant(tenant: string): number {
    const row = this.tenantId.get(tenant);
    if (row === undefined) throw new SkiffError("TENANT_NOT_FOUND", `tenant "${tenant}" does not exist`);
    return row.id;
  }
}

function toQuotas(row: QuotaRow): TenantQuotas {
  return {
    maxFunctions: row.max_functions,
    maxIsolateMemoryMb: row.max_isolate_memory_mb,
    maxConcurrentInvocations: row.max_concurrent_invocations,
    requestsPerSecond: row.requests_per_second,
    burst: row.burst,
    maxStoredBytes: row.max_stored_bytes,
    asyncEventsPerMinute: row.async_events_per_minute,
    allowCodeGeneration: row.allow_code_generation === 1,
  };
}
