// Adds stored invocations to the hourly usage rows (migration 011), inside the transaction that stores them.
import { type InvocationRecord, LIMITS } from "@skiff/core";
import type { Database, Statement } from "better-sqlite3";

export const USAGE_HOUR_MS = 3_600_000;

/** An invocation record just inserted, with the id of the function it was stored under. */
export interface MeteredInvocation {
  functionId: number;
  record: InvocationRecord;
}

interface UsageDelta {
  tenantId: number;
  functionName: string;
  hour: number;
  requests: number;
  errors: number;
  coldStarts: number;
  wallMs: number;
  cpuMs: number;
  mbMs: number;
  egressBytes: number;
}

/**
 * Meters invocations: one upsert per function and hour of a batch. Call `add` only inside the transaction that
 * inserted the records, and only with records that were new (a batch written twice must not count twice), so
 * usage and records never disagree.
 */
export class UsageMeter {
  private readonly functionRow: Statement<[number], { tenant_id: number; name: string }>;
  private readonly memoryOf: Statement<[number, number], { memory_mb: number | null }>;
  private readonly upsert: Statement<[UsageDelta]>;

  constructor(db: Database) {
    this.functionRow = db.prepare("SELECT tenant_id, name FROM functions WHERE id = ?");
    this.memoryOf = db.prepare(
      "SELECT json_extract(config, '$.memoryMb') AS memory_mb FROM versions WHERE function_id = ? AND number = ?",
    );
    this.upsert = db.prepare(`
      INSERT INTO function_usage (tenant_id, function_name, hour, requests, errors, cold_starts, wall_ms, cpu_ms,
        mb_ms, egress_bytes)
      VALUES (@tenantId, @functionName, @hour, @requests, @errors, @coldStarts, @wallMs, @cpuMs, @mbMs,
        @egressBytes)
      ON CONFLICT (tenant_id, hour, function_name) DO UPDATE SET
        requests = requests + excluded.requests,
        errors = errors + excluded.errors,
        cold_starts = cold_starts + excluded.cold_starts,
        wall_ms = wall_ms + excluded.wall_ms,
        cpu_ms = cpu_ms + excluded.cpu_ms,
        mb_ms = mb_ms + excluded.mb_ms,
        egress_bytes = egress_bytes + excluded.egress_bytes`);
  }

  add(invocations: readonly MeteredInvocation[]): void {
    if (invocations.length === 0) return;
    const functions = new Map<number, { tenant_id: number; name: string } | undefined>();
    const memory = new Map<string, number>();
    const deltas = new Map<string, UsageDelta>();
    for (const { functionId, record } of invocations) {
      if (!functions.has(functionId)) functions.set(functionId, this.functionRow.get(functionId));
      const fn = functions.get(functionId);
      if (fn === undefined) continue;
      const memoryKey = `${functionId}:${record.version}`;
      let memoryMb = memory.get(memoryKey);
      if (memoryMb === undefined) {
        // A version row is gone only with its function; the default is what the version ran with if unset.
        memoryMb = this.memoryOf.get(functionId, record.version)?.memory_mb ?? LIMITS.memoryMb.default;
        memory.set(memoryKey, memoryMb);
      }
      const hour = Math.floor(record.startedAt / USAGE_HOUR_MS) * USAGE_HOUR_MS;
      const key = `${functionId}:${hour}`;
      let delta = deltas.get(key);
      if (delta === undefined) {
        delta = {
          tenantId: fn.tenant_id,
          functionName: fn.name,
          hour,
          requests: 0,
          errors: 0,
          coldStarts: 0,
          wallMs: 0,
          cpuMs: 0,
          mbMs: 0,
          egressBytes: 0,
        };
        deltas.set(key, delta);
      }
      const wallMs = nonNegative(record.wallMs);
      delta.requests += 1;
      if (record.outcome !== "ok") delta.errors += 1;
      if (record.cold) delta.coldStarts += 1;
      delta.wallMs += wallMs;
      delta.cpuMs += nonNegative(record.cpuMs);
      delta.mbMs += memoryMb * wallMs;
      delta.egressBytes += Math.round(nonNegative(record.egressBytes ?? 0));
    }
    for (const delta of deltas.values()) this.upsert.run(delta);
  }
}

/** A measure the runtime should never send negative or NaN counts as 0 rather than failing the whole batch. */
function nonNegative(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}
