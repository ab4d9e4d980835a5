// Invocation records: written in batches off the request path, listed newest first, pruned per function.
import {
  type InvocationError,
  type InvocationRecord,
  type LogLine,
  logLevelSeverity,
  type Outcome,
  SkiffError,
  type TriggerKind,
} from "@skiff/core";
import type { Database, Statement } from "better-sqlite3";
import { clampListLimit, DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from "./list-limit.js";
import type { InvocationQuery, InvocationRepository } from "./types.js";
import { type MeteredInvocation, UsageMeter } from "./usage-meter.js";

export const DEFAULT_INVOCATION_LIMIT = DEFAULT_LIST_LIMIT;
export const MAX_INVOCATION_LIMIT = MAX_LIST_LIMIT;

/** What a listed record is built from (RECORD_COLUMNS). */
interface RecordRow {
  id: string;
  version: number;
  trigger: TriggerKind;
  started_at: number;
  outcome: Outcome;
  status: number;
  cold: number;
  cpu_ms: number;
  wall_ms: number;
  error: string | null;
  logs: string;
  dropped_log_lines: number;
  peak_heap_bytes: number | null;
  parent_invocation_id: string | null;
}

/** A record found by id, with its names. */
interface InvocationRow extends RecordRow {
  tenant_name: string;
  function_name: string;
}

/** The columns of `invocations` a record is made of. */
const RECORD_COLUMNS = `i.id, i.version, i.trigger, i.started_at, i.outcome, i.status, i.cold, i.cpu_ms, i.wall_ms,
  i.error, i.logs, i.dropped_log_lines, i.peak_heap_bytes, i.parent_invocation_id`;

type InsertParams = [
  id: string,
  functionId: number,
  version: number,
  trigger: string,
  startedAt: number,
  outcome: string,
  status: number,
  cold: number,
  cpuMs: number,
  wallMs: number,
  error: string | null,
  logs: string,
  droppedLogLines: number,
  peakHeapBytes: number | null,
  parentInvocationId: string | null,
  maxLogSeverity: number,
];

interface ListParams {
  functionId: number;
  since: number | null;
  severity: number;
  /** A JSON array of outcomes, or null for any. */
  outcomes: string | null;
  limit: number;
}

export class SqliteInvocationRepository implements InvocationRepository {
  private readonly tenantId: Statement<[string], { id: number }>;
  private readonly functionId: Statement<[string, string], { id: number }>;
  private readonly insert: Statement<InsertParams>;
  private readonly newest: Statement<[ListParams], RecordRow>;
  private readonly byId: Statement<[number, string], InvocationRow>;
  private readonly pruneAll: (keep: number) => number;
  private readonly insertBatch: (records: InvocationRecord[]) => void;

  constructor(db: Database) {
    this.tenantId = db.prepare("SELECT id FROM tenants WHERE name = ?");
    this.functionId = db.prepare(
      "SELECT f.id FROM functions f JOIN tenants t ON t.id = f.tenant_id WHERE t.name = ? AND f.name = ?",
    );
    // OR IGNORE: a batch written twice (a retry after an unknown outcome) must not fail or duplicate.
    this.insert = db.prepare(`
      INSERT OR IGNORE INTO invocations (id, function_id, version, trigger, started_at, outcome, status, cold,
        cpu_ms, wall_ms, error, logs, dropped_log_lines, peak_heap_bytes, parent_invocation_id, max_log_severity)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    // One statement for every filter combination: an absent filter is a condition that always holds. Only the
    // columns a record shows, without the names (the caller's, which found the function): a list of 1000 rows
    // builds 1000 row objects, and each column less is a property less to set on each.
    this.newest = db.prepare(`
      SELECT ${RECORD_COLUMNS}
      FROM invocations i
      WHERE i.function_id = @functionId
        AND (@since IS NULL OR i.started_at >= @since)
        AND i.max_log_severity >= @severity
        AND (@outcomes IS NULL OR i.outcome IN (SELECT value FROM json_each(@outcomes)))
      ORDER BY i.started_at DESC, i.seq DESC
      LIMIT @limit`);
    this.byId = db.prepare(`
      SELECT ${RECORD_COLUMNS}, t.name AS tenant_name, f.name AS function_name
      FROM invocations i
      JOIN functions f ON f.id = i.function_id
      JOIN tenants t ON t.id = f.tenant_id
      WHERE i.function_id = ? AND i.id = ?`);
    // Function by function along invocations_by_function (newest first, past the `keep` newest): no sort of the
    // whole table, which a window over every record needed each time the writer prunes (every 1000 records).
    const functionIds = db.prepare<[], number>("SELECT id FROM functions").pluck();
    const pruneFunction = db.prepare<[number, number]>(`
      DELETE FROM invocations WHERE seq IN (
        SELECT seq FROM invocations WHERE function_id = ? ORDER BY started_at DESC, seq DESC LIMIT -1 OFFSET ?
      )`);
    const pruneEach = db.transaction((keep: number) => {
      let removed = 0;
      for (const id of functionIds.all()) removed += pruneFunction.run(id, keep).changes;
      return removed;
    });
    // IMMEDIATE: a read that turns into a write could not wait for another process's commit in WAL mode.
    this.pruneAll = (keep) => pruneEach.immediate(keep);
    const usage = new UsageMeter(db);
    this.insertBatch = db.transaction((records: InvocationRecord[]) => {
      const functionIds = new Map<string, number | undefined>();
      // Usage is metered in this same transaction, from the records that were new (not a batch written twice).
      const inserted: MeteredInvocation[] = [];
      for (const record of records) {
        const key = JSON.stringify([record.tenant, record.functionName]);
        if (!functionIds.has(key))
          functionIds.set(key, this.functionId.get(record.tenant, record.functionName)?.id);
        const functionId = functionIds.get(key);
        // The function was deleted while the record waited in the batch: nothing is left to attach it to.
        if (functionId === undefined) continue;
        const { changes } = this.insert.run(
          record.id,
          functionId,
          record.version,
          record.trigger,
          record.startedAt,
          record.outcome,
          record.status,
          record.cold ? 1 : 0,
          record.cpuMs,
          record.wallMs,
          record.error === undefined ? null : JSON.stringify(record.error),
          record.logs.length === 0 ? "[]" : JSON.stringify(record.logs),
          record.droppedLogLines,
          record.peakHeapBytes ?? null,
          record.parentInvocationId ?? null,
          maxLogSeverity(record.logs),
        );
        if (changes > 0) inserted.push({ functionId, record });
      }
      usage.add(inserted);
    });
  }

  async insertMany(records: InvocationRecord[]): Promise<void> {
    if (records.length > 0) this.insertBatch(records);
  }

  async list(tenant: string, functionName: string, query: InvocationQuery = {}): Promise<InvocationRecord[]> {
    const functionId = this.functionIdOf(tenant, functionName);
    const rows = this.newest.all({
      functionId,
      since: query.since ?? null,
      severity: query.minLevel === undefined ? 0 : logLevelSeverity(query.minLevel),
      outcomes: query.outcomes === undefined ? null : JSON.stringify(query.outcomes),
      limit: clampListLimit(query.limit),
    });
    // The names are the ones the function was just found by (names compare exactly in SQLite).
    return rows.map((row) => toRecord(row, tenant, functionName));
  }

  async get(tenant: string, functionName: string, id: string): Promise<InvocationRecord | undefined> {
    const row = this.byId.get(this.functionIdOf(tenant, functionName), id);
    return row === undefined ? undefined : toRecord(row, row.tenant_name, row.function_name);
  }

  private functionIdOf(tenant: string, functionName: string): number {
    const fn = this.functionId.get(tenant, functionName);
    if (fn !== undefined) return fn.id;
    if (this.tenantId.get(tenant) === undefined) {
      throw new SkiffError("TENANT_NOT_FOUND", `tenant "${tenant}" does not exist`);
    }
    throw new SkiffError(
      "FUNCTION_NOT_FOUND",
      `function "${functionName}" does not exist in tenant "${tenant}"`,
    );
  }

  async prune(keep: number): Promise<number> {
    if (!Number.isSafeInteger(keep) || keep < 0) {
      throw new SkiffError("INVALID_REQUEST", `prune keeps a whole number of records, not ${keep}`);
    }
    return this.pruneAll(keep);
  }
}

function toRecord(row: RecordRow, tenant: string, functionName: string): InvocationRecord {
  const record: InvocationRecord = {
    id: row.id,
    tenant,
    functionName,
    version: row.version,
    trigger: row.trigger,
    startedAt: row.started_at,
    outcome: row.outcome,
    status: row.status,
    cold: row.cold === 1,
    cpuMs: row.cpu_ms,
    wallMs: row.wall_ms,
    // Most invocations log nothing: no parse for those.
    logs: row.logs === "[]" ? [] : (JSON.parse(row.logs) as LogLine[]),
    droppedLogLines: row.dropped_log_lines,
  };
  if (row.error !== null) record.error = JSON.parse(row.error) as InvocationError;
  if (row.peak_heap_bytes !== null) record.peakHeapBytes = row.peak_heap_bytes;
  if (row.parent_invocation_id !== null) record.parentInvocationId = row.parent_invocation_id;
  return record;
}

/** The rank of the most severe line, 0 for none: what `minLevel` filters on. */
function maxLogSeverity(logs: readonly LogLine[]): number {
  let max = 0;
  // A level the runtime should never send ranks 0 rather than failing the whole batch.
  for (const line of logs) max = Math.max(max, logLevelSeverity(line.level) ?? 0);
  return max;
}
