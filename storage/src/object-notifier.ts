// Storage notifications: turns an object write into events on the scheduler's queue, inside the write's own
// transaction, so that a stored object never misses its notification and a failed write never notifies.
import { newId as randomId, SkiffError } from "@skiff/core";
import type { Database, Statement } from "better-sqlite3";
import { FunctionLookup } from "./function-lookup.js";
import { eventTypeOf, ruleMatches } from "./notification-rules.js";
import { type R2EventBody, r2EventBody } from "./r2-event.js";
import { type S3EventRecord, s3EventRecord, s3Sequencer } from "./s3-event.js";
import type { NotificationRule, ObjectAction, WriteContext } from "./types.js";

/** Notified writes one chain may make before the next is stopped (Lambda's recursive loop detection: 16). */
export const MAX_CHAIN_HOPS = 16;
export const RECURSION_DEAD_LETTER_REASON = "recursionLimit";
export const RECURSION_DEAD_LETTER_ERROR = `stopped after ${MAX_CHAIN_HOPS} notified writes in one chain`;

/** Defaults of a rule's batching for Workers `queue()` consumers. */
export const DEFAULT_BATCH_SIZE = 10;
export const DEFAULT_MAX_WAIT_MS = 1000;

/** The payload of a "storage" event: a QueueEvent with the S3 event for Lambda handlers and the chain. */
export interface StorageEventPayload {
  kind: "queue";
  /** The bucket's name. */
  queue: string;
  messages: Array<{ id: string; timestamp: number; attempts: number; body: R2EventBody }>;
  lambdaEvent: { Records: S3EventRecord[] };
  /** The invocation continues this chain: its writes pass it back in their WriteContext. */
  chain: { id: string; hops: number };
  batch: { size: number; maxWaitMs: number };
}

/** A committed (or committing) write, as notifications see it. */
export interface NotifiedWrite {
  tenant: string;
  bucket: { id: number; name: string; rules: readonly NotificationRule[] };
  action: ObjectAction;
  key: string;
  /** Absent for deletes. */
  size?: number;
  etag?: string;
  copySource?: { bucket: string; key: string };
}

type EventParams = [id: string, functionId: number, payload: string, createdAt: number, due: number];

/** Synchronous: call it inside the transaction that writes the object's row. */
export class ObjectNotifier {
  private readonly functions: FunctionLookup;
  private readonly nextSequence: Statement<[number], { sequence: number }>;
  private readonly insertEvent: Statement<EventParams>;
  private readonly insertDeadLetter: Statement<[...EventParams, string, string]>;

  constructor(
    db: Database,
    private readonly newId: () => string = randomId,
  ) {
    this.functions = new FunctionLookup(db);
    this.nextSequence = db.prepare(
      "UPDATE buckets SET sequence = sequence + 1 WHERE id = ? RETURNING sequence",
    );
    this.insertEvent = db.prepare(`
      INSERT INTO events (id, function_id, kind, payload, idempotency_key, attempts, created_at, available_at)
      VALUES (?, ?, 'storage', ?, NULL, 0, ?, ?)`);
    this.insertDeadLetter = db.prepare(`
      INSERT INTO dead_letters (id, function_id, kind, payload, idempotency_key, attempts, created_at, failed_at,
        reason, last_error)
      VALUES (?, ?, 'storage', ?, NULL, 0, ?, ?, ?, ?)`);
  }

  /** What each write (by its context) notified, until `report` hands it to the caller after the commit. */
  readonly #results = new WeakMap<
    WriteContext,
    { queued: number; stopped: Array<{ function: string; reason: string }> }
  >();

  /** Calls the write's `onNotified` once its transaction has committed (never for a rolled-back write). */
  report(context: WriteContext): void {
    const result = this.#results.get(context);
    this.#results.delete(context);
    if (result !== undefined) context.onNotified?.(result);
  }

  /** Forgets what a rolled-back write would have notified. */
  forget(context: WriteContext): void {
    this.#results.delete(context);
  }

  /**
   * Queues one "storage" event for each rule of the bucket that matches the write and whose function still
   * exists (a rule naming a deleted function is skipped). A write whose chain has made 16 notified writes
   * already goes straight to the dead letters instead, unless the rule allows recursion.
   */
  notify(write: NotifiedWrite, context: WriteContext): { queued: string[]; deadLettered: string[] } {
    const result = { queued: [] as string[], deadLettered: [] as string[] };
    this.#results.set(context, { queued: 0, stopped: [] });
    const type = eventTypeOf(write.action);
    const matching = write.bucket.rules
      .map((rule, index) => ({ rule, index }))
      .filter(({ rule }) => ruleMatches(rule, type, write.key));
    if (matching.length === 0) return result;

    const chain = context.chain ?? { id: this.newId(), hops: 0 };
    if (typeof chain.id !== "string" || !Number.isSafeInteger(chain.hops) || chain.hops < 0) {
      throw new SkiffError(
        "INVALID_REQUEST",
        "a write's notification chain needs an id and a whole hop count",
      );
    }
    const sequence = this.nextSequence.get(write.bucket.id)?.sequence ?? 0;
    const now = context.now;
    for (const { rule, index } of matching) {
      const functionId = this.functions.find(write.tenant, rule.function);
      if (functionId === undefined) continue;
      const id = this.newId();
      const payload: StorageEventPayload = {
        kind: "queue",
        queue: write.bucket.name,
        messages: [{ id, timestamp: now, attempts: 1, body: r2Body(write, now) }],
        lambdaEvent: { Records: [s3Record(write, now, `rule-${index}`, s3Sequencer(sequence))] },
        chain: { id: chain.id, hops: chain.hops + 1 },
        batch: {
          size: rule.batchSize ?? DEFAULT_BATCH_SIZE,
          maxWaitMs: rule.maxWaitMs ?? DEFAULT_MAX_WAIT_MS,
        },
      };
      const json = JSON.stringify(payload);
      if (chain.hops >= MAX_CHAIN_HOPS && rule.allowRecursion !== true) {
        this.insertDeadLetter.run(
          id,
          functionId,
          json,
          now,
          now,
          RECURSION_DEAD_LETTER_REASON,
          RECURSION_DEAD_LETTER_ERROR,
        );
        result.deadLettered.push(id);
        this.#results
          .get(context)
          ?.stopped.push({ function: rule.function, reason: RECURSION_DEAD_LETTER_REASON });
      } else {
        this.insertEvent.run(id, functionId, json, now, now);
        result.queued.push(id);
        const tally = this.#results.get(context);
        if (tally !== undefined) tally.queued += 1;
      }
    }
    return result;
  }
}

function r2Body(write: NotifiedWrite, now: number): R2EventBody {
  return r2EventBody({
    tenant: write.tenant,
    bucket: write.bucket.name,
    action: write.action,
    eventTime: now,
    key: write.key,
    ...(write.size === undefined ? {} : { size: write.size }),
    ...(write.etag === undefined ? {} : { etag: write.etag }),
    ...(write.copySource === undefined ? {} : { copySource: write.copySource }),
  });
}

function s3Record(
  write: NotifiedWrite,
  now: number,
  configurationId: string,
  sequencer: string,
): S3EventRecord {
  return s3EventRecord({
    tenant: write.tenant,
    bucket: write.bucket.name,
    action: write.action,
    eventTime: now,
    configurationId,
    key: write.key,
    ...(write.size === undefined ? {} : { size: write.size }),
    ...(write.etag === undefined ? {} : { etag: write.etag }),
    sequencer,
  });
}
