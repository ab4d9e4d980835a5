// Cron run history: a run is claimed by inserting its unique row, so processes sharing the database never run
// the same tick twice; only the newest runs of each function are kept.
import { SkiffError } from "@skiff/core";
import type { Database, Statement } from "better-sqlite3";
import { FunctionLookup } from "./function-lookup.js";
import { clampListLimit } from "./list-limit.js";
import type { ClaimInput, TriggerRun, TriggerRunRepository } from "./types.js";

/** Runs kept per function: a minute-by-minute trigger keeps about 16 hours. */
export const TRIGGER_RUNS_KEPT = 1000;

interface TriggerRunRow {
  id: number;
  tenant_name: string;
  function_name: string;
  trigger_key: string;
  cron: string;
  timezone: string;
  scheduled_time: number;
  attempt: number;
  version: number;
  manual: number;
  started_at: number | null;
  ended_at: number | null;
  outcome: string | null;
  invocation_id: string | null;
}

type InsertParams = [
  functionId: number,
  triggerKey: string,
  cron: string,
  timezone: string,
  scheduledTime: number,
  attempt: number,
  version: number,
  manual: number,
  claimedAt: number,
];

export class SqliteTriggerRunRepository implements TriggerRunRepository {
  private readonly functions: FunctionLookup;
  private readonly insert: Statement<InsertParams, { id: number }>;
  private readonly prune: Statement<[number, number, number]>;
  private readonly setStarted: Statement<[string, number, number]>;
  private readonly setFinished: Statement<[string, number, number]>;
  private readonly newest: Statement<[number, number], TriggerRunRow>;
  private readonly latestScheduled: Statement<[number, string], { scheduled_time: number }>;
  private readonly claimTransaction: (input: ClaimInput, now: number) => number | undefined;

  /** `keep`: runs kept per function; older ones are deleted as new ones are claimed. */
  constructor(
    db: Database,
    private readonly keep: number = TRIGGER_RUNS_KEPT,
  ) {
    if (!Number.isSafeInteger(keep) || keep < 1) {
      throw new SkiffError(
        "INVALID_CONFIG",
        `trigger run retention must be a whole number >= 1, not ${keep}`,
      );
    }
    this.functions = new FunctionLookup(db);
    this.insert = db.prepare(`
      INSERT INTO trigger_runs (function_id, trigger_key, cron, timezone, scheduled_time, attempt, version, manual,
        claimed_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (function_id, trigger_key, scheduled_time, attempt) DO NOTHING
      RETURNING id`);
    // Walks `keep` entries of the (function_id, id) index: cheap enough to run on every claim.
    this.prune = db.prepare(`
      DELETE FROM trigger_runs WHERE function_id = ? AND id <= (
        SELECT id FROM trigger_runs WHERE function_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?
      )`);
    this.setStarted = db.prepare("UPDATE trigger_runs SET invocation_id = ?, started_at = ? WHERE id = ?");
    this.setFinished = db.prepare("UPDATE trigger_runs SET outcome = ?, ended_at = ? WHERE id = ?");
    this.newest = db.prepare(`
      SELECT r.*, t.name AS tenant_name, f.name AS function_name
      FROM trigger_runs r
      JOIN functions f ON f.id = r.function_id
      JOIN tenants t ON t.id = f.tenant_id
      WHERE r.function_id = ?
      ORDER BY r.id DESC
      LIMIT ?`);
    this.latestScheduled = db.prepare(`
      SELECT scheduled_time FROM trigger_runs
      WHERE function_id = ? AND trigger_key = ? AND manual = 0
      ORDER BY scheduled_time DESC LIMIT 1`);

    const claim = db.transaction((input: ClaimInput, now: number) => {
      const functionId = this.functions.require(input.tenant, input.functionName);
      const row = this.insert.get(
        functionId,
        input.triggerKey,
        input.cron,
        input.timezone,
        input.scheduledTime,
        input.attempt,
        input.version,
        input.manual ? 1 : 0,
        now,
      );
      if (row === undefined) return undefined;
      this.prune.run(functionId, functionId, this.keep);
      return row.id;
    });
    this.claimTransaction = (...args) => claim.immediate(...args);
  }

  async claim(input: ClaimInput, now: number): Promise<number | undefined> {
    return this.claimTransaction(input, now);
  }

  async start(runId: number, invocationId: string, startedAt: number): Promise<void> {
    this.setStarted.run(invocationId, startedAt, runId);
  }

  async finish(runId: number, outcome: string, endedAt: number): Promise<void> {
    this.setFinished.run(outcome, endedAt, runId);
  }

  async list(tenant: string, functionName: string, limit?: number): Promise<TriggerRun[]> {
    return this.newest.all(this.functions.require(tenant, functionName), clampListLimit(limit)).map(toRun);
  }

  async lastScheduled(tenant: string, functionName: string, triggerKey: string): Promise<number | undefined> {
    const functionId = this.functions.find(tenant, functionName);
    if (functionId === undefined) return undefined;
    return this.latestScheduled.get(functionId, triggerKey)?.scheduled_time;
  }
}

function toRun(row: TriggerRunRow): TriggerRun {
  return {
    id: row.id,
    tenant: row.tenant_name,
    functionName: row.function_name,
    triggerKey: row.trigger_key,
    cron: row.cron,
    timezone: row.timezone,
    scheduledTime: row.scheduled_time,
    attempt: row.attempt,
    version: row.version,
    manual: row.manual === 1,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    outcome: row.outcome,
    invocationId: row.invocation_id,
  };
}
