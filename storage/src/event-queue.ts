// The durable async event queue (DESIGN §6) in SQLite: rows committed before the producer is answered, leased
// with an expiry inside one write transaction so that processes sharing the file never deliver an event twice
// at the same time.
import { newId as randomId, SkiffError } from "@skiff/core";
import type { Database, Statement } from "better-sqlite3";
import { FunctionLookup } from "./function-lookup.js";
import type {
  EnqueueInput,
  EventKind,
  EventQueue,
  LeaseCandidate,
  LeasedEvent,
  LeaseOptions,
} from "./types.js";
import { WriteBatch } from "./write-batch.js";

interface DueRow {
  id: string;
  tenant_name: string;
  function_name: string;
  kind: EventKind;
  payload: string;
  idempotency_key: string | null;
  attempts: number;
  created_at: number;
}

type InsertByNameParams = [
  id: string,
  kind: string,
  payload: string,
  attempts: number,
  createdAt: number,
  availableAt: number,
  tenant: string,
  functionName: string,
];

type InsertParams = [
  id: string,
  functionId: number,
  kind: string,
  payload: string,
  idempotencyKey: string | null,
  attempts: number,
  createdAt: number,
  availableAt: number,
];

/**
 * How long a delivered event's idempotency key still makes a resend a duplicate (counted from the event's
 * creation): a producer retrying after a lost acknowledgement does so within this window.
 */
export const DELIVERED_KEY_WINDOW_MS = 24 * 60 * 60 * 1000;

/** How many refused events a lease with `admit` looks past before it stops (LeaseOptions.maxRefused). */
const MAX_REFUSED = 16;

/** What the queue's write batch commits: the enqueues, completions and leases of one turn share a transaction. */
type QueueWrite =
  | { op: "enqueue"; input: EnqueueInput; payload: string; now: number }
  | { op: "complete"; id: string; owner: string }
  | { op: "lease"; lease: LeaseRequest };

interface LeaseRequest {
  now: number;
  limit: number;
  owner: string;
  leaseMs: number;
  options: LeaseOptions;
  /**
   * `admit`'s answer per row id, kept across the write batch's second run (after another write of the batch
   * threw, the first run is undone): `admit` counts what it lets through, so asking it twice would refuse rows.
   */
  admitted: Map<string, boolean>;
}

interface Enqueued {
  id: string;
  duplicate: boolean;
}

/** A completed event's key, if it has one (to be remembered as delivered). */
interface RemovedRow {
  function_id: number;
  idempotency_key: string | null;
  created_at: number;
}

export class SqliteEventQueue implements EventQueue {
  private readonly functions: FunctionLookup;
  private readonly existingKey: Statement<[number, string, number, string], { id: string }>;
  private readonly insert: Statement<InsertParams>;
  private readonly insertByName: Statement<InsertByNameParams>;
  private readonly due: Statement<[number, number, string], DueRow>;
  private readonly setLeases: Statement<[string, number, string]>;
  private readonly extend: Statement<[number, string, string]>;
  private readonly remove: Statement<[string, string], RemovedRow>;
  private readonly rememberKey: Statement<[number, string, string, number]>;
  private readonly deliveredKey: Statement<[number, string, number], { id: string }>;
  private readonly forgetOldKeys: Statement<[number]>;
  private readonly release: Statement<[number, string, string, string]>;
  private readonly releaseDeferred: Statement<[number, string, string]>;
  private readonly copyToDeadLetters: Statement<[number, string, string | null, string, string]>;
  private readonly removeEvent: Statement<[string]>;
  private readonly releaseOwner: Statement<[string]>;
  private readonly nextUnleased: Statement<[number], { at: number }>;
  private readonly nextExpiry: Statement<[number], { at: number }>;
  private readonly depthOfFunction: Statement<[number], { count: number; oldest: number | null }>;
  private readonly depthOfTenant: Statement<[number], { count: number; oldest: number | null }>;
  private readonly writes: WriteBatch<QueueWrite, Enqueued | LeasedEvent[] | undefined>;
  private readonly deadLetterTransaction: (
    id: string,
    owner: string,
    reason: string,
    error: string | null,
    now: number,
  ) => void;

  /** `newId` makes event ids (UUIDs unless a test wants them predictable). */
  constructor(
    db: Database,
    private readonly newId: () => string = randomId,
  ) {
    this.functions = new FunctionLookup(db);
    this.rememberKey = db.prepare(`
      INSERT OR IGNORE INTO delivered_keys (function_id, idempotency_key, event_id, created_at)
      VALUES (?, ?, ?, ?)`);
    this.deliveredKey = db.prepare(`
      SELECT event_id AS id FROM delivered_keys WHERE function_id = ? AND idempotency_key = ? AND created_at > ?`);
    this.forgetOldKeys = db.prepare("DELETE FROM delivered_keys WHERE created_at <= ?");
    this.existingKey = db.prepare(`
      SELECT id FROM events WHERE function_id = ? AND idempotency_key = ?
      UNION ALL
      SELECT id FROM dead_letters WHERE function_id = ? AND idempotency_key = ?
      LIMIT 1`);
    this.insert = db.prepare(`
      INSERT INTO events (id, function_id, kind, payload, idempotency_key, attempts, created_at, available_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    // An event without a key needs no check first: the function's id is looked up by the insert itself (one
    // statement instead of two); no row inserted means no such function.
    this.insertByName = db.prepare(`
      INSERT INTO events (id, function_id, kind, payload, idempotency_key, attempts, created_at, available_at)
      SELECT ?, f.id, ?, ?, NULL, ?, ?, ? FROM functions f JOIN tenants t ON t.id = f.tenant_id
      WHERE t.name = ? AND f.name = ?`);
    // The events_due index gives delivery order; the joins only fetch names for the rows it yields. Read row by
    // row (no LIMIT): the lease stops once it has enough, so functions it passes over cost no extra query.
    this.due = db.prepare(`
      SELECT e.id, t.name AS tenant_name, f.name AS function_name, e.kind, e.payload, e.idempotency_key,
        e.attempts, e.created_at
      FROM events e INDEXED BY events_due
      JOIN functions f ON f.id = e.function_id
      JOIN tenants t ON t.id = f.tenant_id
      WHERE e.available_at <= ? AND (e.lease_owner IS NULL OR e.lease_expires_at <= ?)
        AND e.function_id NOT IN (SELECT value FROM json_each(?))
      ORDER BY e.available_at, e.created_at`);
    // The chosen rows in one statement (their ids as a JSON array), not one UPDATE per row.
    this.setLeases = db.prepare(`
      UPDATE events SET lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1
      WHERE id IN (SELECT value FROM json_each(?))`);
    this.extend = db.prepare("UPDATE events SET lease_expires_at = ? WHERE id = ? AND lease_owner = ?");
    // RETURNING tells whether the event had a key: only then is there a delivered key to remember.
    this.remove = db.prepare(`
      DELETE FROM events WHERE id = ? AND lease_owner = ? RETURNING function_id, idempotency_key, created_at`);
    this.release = db.prepare(`
      UPDATE events SET available_at = ?, last_error = ?, lease_owner = NULL, lease_expires_at = NULL
      WHERE id = ? AND lease_owner = ?`);
    this.releaseDeferred = db.prepare(`
      UPDATE events SET available_at = ?, attempts = max(attempts - 1, 0), lease_owner = NULL,
        lease_expires_at = NULL
      WHERE id = ? AND lease_owner = ?`);
    this.copyToDeadLetters = db.prepare(`
      INSERT INTO dead_letters (id, function_id, kind, payload, idempotency_key, attempts, created_at, failed_at,
        reason, last_error)
      SELECT id, function_id, kind, payload, idempotency_key, attempts, created_at, ?, ?, coalesce(?, last_error)
      FROM events WHERE id = ? AND lease_owner = ?`);
    this.removeEvent = db.prepare("DELETE FROM events WHERE id = ?");
    this.releaseOwner = db.prepare(
      "UPDATE events SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = ?",
    );
    // A leased row was due when leased (available_at <= lease time < expiry), so it is due again at its expiry.
    // The bound (-1, or `now` for `later`) is a range on each index: rows due already are stepped over, not read.
    this.nextUnleased = db.prepare(`
      SELECT available_at AS at FROM events INDEXED BY events_due
      WHERE lease_owner IS NULL AND available_at > ? ORDER BY available_at LIMIT 1`);
    this.nextExpiry = db.prepare(`
      SELECT lease_expires_at AS at FROM events INDEXED BY events_lease_expiry
      WHERE lease_owner IS NOT NULL AND lease_expires_at > ? ORDER BY lease_expires_at LIMIT 1`);
    this.depthOfFunction = db.prepare(
      "SELECT count(*) AS count, min(created_at) AS oldest FROM events WHERE function_id = ?",
    );
    this.depthOfTenant = db.prepare(`
      SELECT count(*) AS count, min(e.created_at) AS oldest
      FROM events e JOIN functions f ON f.id = e.function_id WHERE f.tenant_id = ?`);

    // Enqueues, completions and leases arriving in one turn of the event loop share a transaction (one commit
    // instead of one each). The write batch's transaction is IMMEDIATE: the key check and the insert happen under
    // one write lock, so two producers can not both insert; and the write lock is taken before a lease reads the
    // due rows, so no other process can lease them between the read and the update.
    this.writes = new WriteBatch(db, (write: QueueWrite) => {
      if (write.op === "enqueue") return this.writeEnqueue(write.input, write.payload, write.now);
      if (write.op === "lease") return this.writeLease(write.lease);
      this.writeCompletion(write.id, write.owner);
      return undefined;
    });
    const deadLetter = db.transaction(
      (id: string, owner: string, reason: string, error: string | null, now: number) => {
        if (this.copyToDeadLetters.run(now, reason, error, id, owner).changes > 0) this.removeEvent.run(id);
      },
    );
    this.deadLetterTransaction = (...args) => deadLetter.immediate(...args);
  }

  async enqueue(input: EnqueueInput, now: number): Promise<{ id: string; duplicate: boolean }> {
    const attempts = input.attempts ?? 0;
    if (!Number.isSafeInteger(attempts) || attempts < 0) {
      throw new SkiffError("INVALID_REQUEST", `attempts must be a whole number >= 0, not ${attempts}`);
    }
    const payload = toJson(input.payload);
    return this.writes.run({ op: "enqueue", input, payload, now }) as Promise<Enqueued>;
  }

  private writeEnqueue(input: EnqueueInput, payload: string, now: number): Enqueued {
    const key = input.idempotencyKey ?? null;
    const attempts = input.attempts ?? 0;
    const availableAt = input.availableAt ?? now;
    if (key === null) {
      const id = this.newId();
      const inserted = this.insertByName.run(
        id,
        input.kind,
        payload,
        attempts,
        now,
        availableAt,
        input.tenant,
        input.functionName,
      );
      // Nothing inserted: the tenant or the function does not exist, which `require` reports as it always did.
      if (inserted.changes === 0) {
        this.functions.require(input.tenant, input.functionName);
        throw new SkiffError("INTERNAL_ERROR", "the event was not stored");
      }
      return { id, duplicate: false };
    }
    const functionId = this.functions.require(input.tenant, input.functionName);
    const existing =
      this.existingKey.get(functionId, key, functionId, key) ??
      this.deliveredKey.get(functionId, key, now - DELIVERED_KEY_WINDOW_MS);
    if (existing !== undefined) return { id: existing.id, duplicate: true };
    this.forgetOldKeys.run(now - DELIVERED_KEY_WINDOW_MS);
    const id = this.newId();
    this.insert.run(id, functionId, input.kind, payload, key, attempts, now, availableAt);
    return { id, duplicate: false };
  }

  /** Deletes the delivered event and, if it had a key, remembers the key for the dedup window. */
  private writeCompletion(id: string, owner: string): void {
    const removed = this.remove.get(id, owner);
    if (removed === undefined || removed.idempotency_key === null) return;
    this.rememberKey.run(removed.function_id, removed.idempotency_key, id, removed.created_at);
  }

  async lease(
    now: number,
    limit: number,
    owner: string,
    leaseMs: number,
    options: LeaseOptions = {},
  ): Promise<LeasedEvent[]> {
    if (!(leaseMs > 0))
      throw new SkiffError("INVALID_REQUEST", `a lease lasts more than 0 ms, not ${leaseMs}`);
    if (!(limit >= 1)) return [];
    const lease = { now, limit: Math.floor(limit), owner, leaseMs, options, admitted: new Map() };
    return this.writes.run({ op: "lease", lease }) as Promise<LeasedEvent[]>;
  }

  /**
   * Chooses up to `limit` due rows (those `admit` lets through) and leases them in one statement. Runs inside the
   * write batch, which may run it a second time after another write of the batch failed (the first run undone):
   * the second run reuses `admit`'s answers for the rows the first one asked about.
   */
  private writeLease({ now, limit, owner, leaseMs, options, admitted }: LeaseRequest): LeasedEvent[] {
    const skip = (options.skip ?? []).flatMap((f) => this.functions.find(f.tenant, f.functionName) ?? []);
    const maxRefused = options.maxRefused ?? MAX_REFUSED;
    const chosen: Array<{ row: DueRow; candidate: Candidate }> = [];
    let refused = 0;
    for (const row of this.due.iterate(now, now, JSON.stringify(skip))) {
      const candidate = new Candidate(row);
      if (options.admit !== undefined && !admit(options.admit, admitted, row.id, candidate)) {
        if (++refused >= maxRefused) break;
        continue;
      }
      chosen.push({ row, candidate });
      if (chosen.length >= limit) break;
    }
    if (chosen.length === 0) return [];
    const leaseExpiresAt = now + leaseMs;
    this.setLeases.run(owner, leaseExpiresAt, JSON.stringify(chosen.map(({ row }) => row.id)));
    return chosen.map(
      ({ row, candidate }): LeasedEvent => ({
        id: row.id,
        tenant: row.tenant_name,
        functionName: row.function_name,
        kind: row.kind,
        payload: candidate.payload,
        idempotencyKey: row.idempotency_key,
        attempts: row.attempts + 1,
        createdAt: row.created_at,
        leaseExpiresAt,
      }),
    );
  }

  async extendLease(id: string, owner: string, until: number): Promise<void> {
    this.extend.run(until, id, owner);
  }

  async complete(id: string, owner: string): Promise<void> {
    await this.writes.run({ op: "complete", id, owner });
  }

  async retry(id: string, owner: string, availableAt: number, error: string): Promise<void> {
    this.release.run(availableAt, error, id, owner);
  }

  async defer(id: string, owner: string, availableAt: number): Promise<void> {
    this.releaseDeferred.run(availableAt, id, owner);
  }

  async deadLetter(
    id: string,
    owner: string,
    reason: string,
    error: string | null,
    now: number,
  ): Promise<void> {
    this.deadLetterTransaction(id, owner, reason, error, now);
  }

  async releaseAll(owner: string): Promise<number> {
    // A lease still waiting in the write batch commits first, so that it is released too (a shutdown that asked
    // for a lease just before must not leave its rows held until the lease runs out).
    this.writes.flush();
    return this.releaseOwner.run(owner).changes;
  }

  async nextDue(now: number, later = false): Promise<number | undefined> {
    const after = later ? now : Number.MIN_SAFE_INTEGER;
    const unleased = this.nextUnleased.get(after)?.at;
    const expiry = this.nextExpiry.get(after)?.at;
    if (unleased === undefined) return expiry;
    return expiry === undefined ? unleased : Math.min(unleased, expiry);
  }

  async depth(
    tenant: string,
    functionName?: string,
  ): Promise<{ count: number; oldestCreatedAt: number | null }> {
    const row =
      functionName === undefined
        ? this.depthOfTenant.get(this.functions.requireTenant(tenant))
        : this.depthOfFunction.get(this.functions.require(tenant, functionName));
    return { count: row?.count ?? 0, oldestCreatedAt: row?.oldest ?? null };
  }

  /** Commits queued enqueues and completions now (before the database closes). */
  flush(): void {
    this.writes.flush();
  }
}

/** A due row offered to `LeaseOptions.admit`; its payload is parsed only if asked for (and then kept). */
class Candidate implements LeaseCandidate {
  readonly #row: DueRow;
  #payload: unknown;
  #parsed = false;

  constructor(row: DueRow) {
    this.#row = row;
  }

  get tenant(): string {
    return this.#row.tenant_name;
  }

  get functionName(): string {
    return this.#row.function_name;
  }

  get kind(): EventKind {
    return this.#row.kind;
  }

  get payload(): unknown {
    if (!this.#parsed) {
      this.#payload = JSON.parse(this.#row.payload) as unknown;
      this.#parsed = true;
    }
    return this.#payload;
  }
}

/** The payload as JSON text; anything JSON cannot hold is the producer's error, not a storage failure. */
function toJson(payload: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(payload);
  } catch (error) {
    throw new SkiffError("INVALID_REQUEST", `the event payload is not JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (json === undefined) throw new SkiffError("INVALID_REQUEST", "the event payload is not JSON");
  return json;
}

/** `admit`'s answer for a row, asked once per lease request (see `LeaseRequest.admitted`). */
function admit(
  ask: (candidate: LeaseCandidate) => boolean,
  answers: Map<string, boolean>,
  id: string,
  candidate: LeaseCandidate,
): boolean {
  let answer = answers.get(id);
  if (answer === undefined) {
    answer = ask(candidate);
    answers.set(id, answer);
  }
  return answer;
}
