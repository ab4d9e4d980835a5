// Async events that failed for good: listed for a person to see, redriven into the queue or deleted.
import { SkiffError } from "@skiff/core";
import type { Database, Statement } from "better-sqlite3";
import { FunctionLookup } from "./function-lookup.js";
import { clampListLimit } from "./list-limit.js";
import type { DeadLetter, DeadLetterRepository, EventKind } from "./types.js";

interface DeadLetterRow {
  id: string;
  tenant_name: string;
  function_name: string;
  kind: EventKind;
  payload: string;
  idempotency_key: string | null;
  attempts: number;
  created_at: number;
  failed_at: number;
  reason: string;
  last_error: string | null;
}

const SELECT_DEAD_LETTER = `
  SELECT d.id, t.name AS tenant_name, f.name AS function_name, d.kind, d.payload, d.idempotency_key, d.attempts,
    d.created_at, d.failed_at, d.reason, d.last_error
  FROM dead_letters d
  JOIN functions f ON f.id = d.function_id
  JOIN tenants t ON t.id = f.tenant_id`;

export class SqliteDeadLetterRepository implements DeadLetterRepository {
  private readonly functions: FunctionLookup;
  private readonly newest: Statement<[number, number], DeadLetterRow>;
  private readonly byId: Statement<[number, string], DeadLetterRow>;
  private readonly copyToEvents: Statement<[number, number, number, string]>;
  private readonly remove: Statement<[number, string]>;
  private readonly redriveTransaction: (
    tenant: string,
    functionName: string,
    id: string,
    now: number,
  ) => void;

  constructor(db: Database) {
    this.functions = new FunctionLookup(db);
    // rowid orders dead letters of the same millisecond by when they arrived.
    this.newest = db.prepare(
      `${SELECT_DEAD_LETTER} WHERE d.function_id = ? ORDER BY d.failed_at DESC, d.rowid DESC LIMIT ?`,
    );
    this.byId = db.prepare(`${SELECT_DEAD_LETTER} WHERE d.function_id = ? AND d.id = ?`);
    // Created now: the event's age restarts, or maxEventAge would send it straight back here.
    this.copyToEvents = db.prepare(`
      INSERT INTO events (id, function_id, kind, payload, idempotency_key, attempts, created_at, available_at)
      SELECT id, function_id, kind, payload, idempotency_key, 0, ?, ?
      FROM dead_letters WHERE function_id = ? AND id = ?`);
    this.remove = db.prepare("DELETE FROM dead_letters WHERE function_id = ? AND id = ?");

    const redrive = db.transaction((tenant: string, functionName: string, id: string, now: number) => {
      const functionId = this.functions.require(tenant, functionName);
      if (this.copyToEvents.run(now, now, functionId, id).changes === 0) throw notFound(functionName, id);
      this.remove.run(functionId, id);
    });
    this.redriveTransaction = (...args) => redrive.immediate(...args);
  }

  async list(tenant: string, functionName: string, limit?: number): Promise<DeadLetter[]> {
    const functionId = this.functions.require(tenant, functionName);
    return this.newest.all(functionId, clampListLimit(limit)).map(toDeadLetter);
  }

  async get(tenant: string, functionName: string, id: string): Promise<DeadLetter | undefined> {
    const functionId = this.functions.find(tenant, functionName);
    if (functionId === undefined) return undefined;
    const row = this.byId.get(functionId, id);
    return row === undefined ? undefined : toDeadLetter(row);
  }

  async redrive(tenant: string, functionName: string, id: string, now: number): Promise<void> {
    this.redriveTransaction(tenant, functionName, id, now);
  }

  async delete(tenant: string, functionName: string, id: string): Promise<void> {
    const functionId = this.functions.require(tenant, functionName);
    if (this.remove.run(functionId, id).changes === 0) throw notFound(functionName, id);
  }
}

function notFound(functionName: string, id: string): SkiffError {
  return new SkiffError("NOT_FOUND", `function "${functionName}" has no dead letter ${JSON.stringify(id)}`);
}

function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    id: row.id,
    tenant: row.tenant_name,
    functionName: row.function_name,
    kind: row.kind,
    payload: JSON.parse(row.payload) as unknown,
    idempotencyKey: row.idempotency_key,
    attempts: row.attempts,
    createdAt: row.created_at,
    failedAt: row.failed_at,
    reason: row.reason,
    lastError: row.last_error,
  };
}
