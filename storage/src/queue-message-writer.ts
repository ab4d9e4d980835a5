// Writes one message into a queue inside the caller's transaction: the checks every producer shares (sends,
// topic publications, dead-letter moves), deduplication within the window, and the row itself.
import {
  isBase64,
  QUEUE_LIMITS,
  type QueueContentType,
  queueMessageBytes,
  newId as randomId,
  SkiffError,
} from "@skiff/core";
import type { Database, Statement } from "better-sqlite3";
import type { QueueRow } from "./queue-lookup.js";
import type { QueueMessageInput, SentMessage } from "./queue-types.js";

const CONTENT_TYPES = new Set<QueueContentType>(["json", "text", "bytes", "v8"]);
/** Group and deduplication ids: visible ASCII, as SQS FIFO allows. */
const MESSAGE_ID_TEXT = /^[\x21-\x7e]+$/;

type InsertParams = [
  id: string,
  queueId: number,
  body: string,
  contentType: string,
  attributes: string | null,
  groupId: string | null,
  deduplicationId: string | null,
  createdAt: number,
  availableAt: number,
  expiresAt: number,
  lastError: string | null,
];

export interface WriteOptions {
  /** Keep this id (a dead-letter move); default a new one. */
  id?: string;
  lastError?: string;
  /** Skip the size check (a dead-letter move carries what its first queue accepted). */
  trusted?: boolean;
}

export class QueueMessageWriter {
  private readonly insert: Statement<InsertParams>;
  private readonly seen: Statement<[number, string, number], { message_id: string }>;
  private readonly remember: Statement<[number, string, string, number]>;
  private readonly forget: Statement<[number]>;

  constructor(
    db: Database,
    private readonly newId: () => string = randomId,
  ) {
    this.insert = db.prepare(`
      INSERT INTO queue_messages (id, queue_id, body, content_type, attributes, group_id, deduplication_id,
        attempts, created_at, available_at, expires_at, last_error)
      VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)`);
    this.seen = db.prepare(`
      SELECT message_id FROM queue_deduplication
      WHERE queue_id = ? AND deduplication_id = ? AND created_at > ?`);
    this.remember = db.prepare(`
      INSERT OR REPLACE INTO queue_deduplication (queue_id, deduplication_id, message_id, created_at)
      VALUES (?, ?, ?, ?)`);
    this.forget = db.prepare("DELETE FROM queue_deduplication WHERE created_at <= ?");
  }

  /** Call inside a write transaction. Throws `INVALID_REQUEST` / `PAYLOAD_TOO_LARGE`. */
  write(queue: QueueRow, input: QueueMessageInput, now: number, options: WriteOptions = {}): SentMessage {
    const body = checkBody(input);
    const groupId = checkGroup(queue, input.groupId);
    const deduplicationId = optionalId(input.deduplicationId, "deduplicationId");
    const delaySeconds = input.delaySeconds ?? 0;
    if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > QUEUE_LIMITS.delaySeconds.max) {
      throw new SkiffError(
        "INVALID_REQUEST",
        `delaySeconds is a whole number from 0 to ${QUEUE_LIMITS.delaySeconds.max}, not ${delaySeconds}`,
      );
    }
    const attributes =
      input.attributes === undefined || Object.keys(input.attributes).length === 0 ? null : input.attributes;
    if (!options.trusted) {
      const size = queueMessageBytes(input.body, input.contentType, attributes ?? undefined);
      if (size > queue.max_message_bytes) {
        throw new SkiffError(
          "PAYLOAD_TOO_LARGE",
          `a message of ${size} bytes is over queue "${queue.name}"'s limit of ${queue.max_message_bytes} bytes`,
        );
      }
    }
    if (deduplicationId !== null) {
      const window = now - QUEUE_LIMITS.deduplicationWindowMs;
      const first = this.seen.get(queue.id, deduplicationId, window);
      if (first !== undefined) return { id: first.message_id, duplicate: true };
      this.forget.run(window);
    }
    const id = options.id ?? this.newId();
    this.insert.run(
      id,
      queue.id,
      body,
      input.contentType,
      attributes === null ? null : JSON.stringify(attributes),
      groupId,
      deduplicationId,
      now,
      now + delaySeconds * 1000,
      now + queue.retention_seconds * 1000,
      options.lastError ?? null,
    );
    if (deduplicationId !== null) this.remember.run(queue.id, deduplicationId, id, now);
    return { id, duplicate: false };
  }
}

/** The body as stored JSON text, after checking it fits its content type. */
function checkBody(input: QueueMessageInput): string {
  if (!CONTENT_TYPES.has(input.contentType)) {
    throw new SkiffError("INVALID_REQUEST", "contentType is json, text, bytes or v8");
  }
  if (input.contentType === "text" && typeof input.body !== "string") {
    throw new SkiffError("INVALID_REQUEST", "a text message's body is a string");
  }
  if (input.contentType === "bytes" && (typeof input.body !== "string" || !isBase64(input.body))) {
    throw new SkiffError("INVALID_REQUEST", "a bytes message's body is base64 text");
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(input.body);
  } catch (error) {
    throw new SkiffError("INVALID_REQUEST", `the message body is not JSON: ${(error as Error).message}`);
  }
  if (json === undefined) throw new SkiffError("INVALID_REQUEST", "the message has no body");
  return json;
}

function checkGroup(queue: QueueRow, groupId: string | undefined): string | null {
  if (queue.ordered === 1) {
    if (groupId === undefined) {
      throw new SkiffError(
        "INVALID_REQUEST",
        `queue "${queue.name}" is ordered: every message needs a groupId (its order is kept per group)`,
      );
    }
    return optionalId(groupId, "groupId");
  }
  if (groupId !== undefined) {
    throw new SkiffError(
      "INVALID_REQUEST",
      `queue "${queue.name}" is not ordered: groupId is for ordered queues only`,
    );
  }
  return null;
}

function optionalId(value: string | undefined, what: string): string | null {
  if (value === undefined) return null;
  if (typeof value !== "string" || value.length > QUEUE_LIMITS.idChars || !MESSAGE_ID_TEXT.test(value)) {
    throw new SkiffError("INVALID_REQUEST", `${what} is 1-${QUEUE_LIMITS.idChars} visible ASCII characters`);
  }
  return value;
}
