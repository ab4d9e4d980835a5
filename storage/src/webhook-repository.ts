// Webhook endpoints and their deliveries log in SQLite; a verified async delivery and its event commit together.
import { randomBytes } from "node:crypto";
import { newId as randomId, SkiffError } from "@skiff/core";
import type { Database, Statement } from "better-sqlite3";
import { isUniqueViolation } from "./database.js";
import { FunctionLookup } from "./function-lookup.js";
import { clampListLimit } from "./list-limit.js";
import type { SecretCipher } from "./secret-cipher.js";
import type {
  CreateWebhookInput,
  StoredWebhookRequest,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookProvider,
  WebhookRepository,
  WebhookVerification,
} from "./types.js";
import { normalizeWebhookInput } from "./webhook-input.js";

/** 24 random bytes in base64url: the only credential of the public URL `/hooks/{id}`. */
const ENDPOINT_ID = /^[A-Za-z0-9_-]{32}$/;

/** A delivery id a caller chooses (a UUID in practice). */
const DELIVERY_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** A new endpoint id: 192 random bits, URL-safe. */
export function newWebhookEndpointId(): string {
  return randomBytes(24).toString("base64url");
}

interface EndpointRow {
  id: string;
  function_id: number;
  tenant_name: string;
  function_name: string;
  provider: WebhookProvider;
  mode: "async" | "sync";
  signature_header: string | null;
  tolerance_seconds: number;
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
  key_id: string;
  created_at: number;
}

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  received_at: number;
  provider_delivery_id: string | null;
  event_type: string | null;
  verification: WebhookVerification;
  failure_reason: string | null;
  status: string;
  invocation_id: string | null;
  attempts: number;
  event_id: string | null;
}

interface RequestRow extends DeliveryRow {
  method: string;
  path: string;
  headers: string;
  body: Buffer;
}

type RecordInput = Parameters<WebhookRepository["record"]>[1];

const ENDPOINT_COLUMNS = `
  w.id, w.function_id, t.name AS tenant_name, f.name AS function_name, w.provider, w.mode, w.signature_header,
  w.tolerance_seconds, w.ciphertext, w.iv, w.tag, w.key_id, w.created_at`;
const DELIVERY_COLUMNS = `
  d.id, d.endpoint_id, d.received_at, d.provider_delivery_id, d.event_type, d.verification, d.failure_reason,
  d.status, d.invocation_id, d.attempts, d.event_id`;

export class SqliteWebhookRepository implements WebhookRepository {
  private readonly functions: FunctionLookup;
  private readonly insertEndpoint: Statement<
    [string, number, string, string, string | null, number, Buffer, Buffer, Buffer, string, number]
  >;
  private readonly endpointById: Statement<[string], EndpointRow>;
  private readonly endpointsOfFunction: Statement<[number], EndpointRow>;
  private readonly removeEndpoint: Statement<[string, number]>;
  private readonly endpointOfFunction: Statement<[string, number], { id: string }>;
  private readonly firstDelivery: Statement<[string, string, number], DeliveryRow>;
  private readonly existingEventKey: Statement<[number, string, number, string], { id: string }>;
  private readonly insertEvent: Statement<[string, number, string, string, number, number]>;
  private readonly insertDelivery: Statement<
    [
      string,
      string,
      number,
      string | null,
      string | null,
      string,
      string | null,
      string,
      string | null,
      string,
      string,
      string,
      Buffer,
    ]
  >;
  private readonly setStatus: Statement<[string, number, string | null, number | null, string]>;
  private readonly newestDeliveries: Statement<[string, number], DeliveryRow>;
  private readonly requestOf: Statement<[string, string], RequestRow>;
  private readonly pruneStatement: Statement<[number]>;
  private readonly recordTransaction: (
    endpoint: EndpointRow,
    input: RecordInput,
    payload: string | null,
    now: number,
  ) => { delivery: WebhookDelivery; duplicate: boolean };

  /** `newId` makes delivery and event ids (UUIDs unless a test wants them predictable). */
  constructor(
    db: Database,
    private readonly cipher: SecretCipher,
    private readonly newId: () => string = randomId,
  ) {
    this.functions = new FunctionLookup(db);
    this.insertEndpoint = db.prepare(`
      INSERT INTO webhook_endpoints (id, function_id, provider, mode, signature_header, tolerance_seconds,
        ciphertext, iv, tag, key_id, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const endpoints = `
      SELECT ${ENDPOINT_COLUMNS}
      FROM webhook_endpoints w JOIN functions f ON f.id = w.function_id JOIN tenants t ON t.id = f.tenant_id`;
    this.endpointById = db.prepare(`${endpoints} WHERE w.id = ?`);
    this.endpointsOfFunction = db.prepare(`${endpoints} WHERE w.function_id = ? ORDER BY w.created_at, w.id`);
    this.removeEndpoint = db.prepare("DELETE FROM webhook_endpoints WHERE id = ? AND function_id = ?");
    this.endpointOfFunction = db.prepare("SELECT id FROM webhook_endpoints WHERE id = ? AND function_id = ?");
    // The conditions repeat the partial index's WHERE so that SQLite may use it.
    this.firstDelivery = db.prepare(`
      SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d
      WHERE d.endpoint_id = ? AND d.provider_delivery_id = ? AND d.received_at > ?
        AND d.verification = 'verified' AND d.provider_delivery_id IS NOT NULL
        -- A delivery that ended badly (dead-lettered, or a sync answer other than 2xx) does not make the
        -- provider's retry of it a replay: the retry is how the event gets through.
        AND d.status NOT IN ('failed', 'dead') AND NOT (d.status GLOB '[0-9][0-9][0-9]' AND d.status NOT GLOB '2[0-9][0-9]')
      ORDER BY d.received_at, d.rowid LIMIT 1`);
    this.existingEventKey = db.prepare(`
      SELECT id FROM events WHERE function_id = ? AND idempotency_key = ?
      UNION ALL
      SELECT id FROM dead_letters WHERE function_id = ? AND idempotency_key = ?
      LIMIT 1`);
    this.insertEvent = db.prepare(`
      INSERT INTO events (id, function_id, kind, payload, idempotency_key, attempts, created_at, available_at)
      VALUES (?, ?, 'webhook', ?, ?, 0, ?, ?)`);
    this.insertDelivery = db.prepare(`
      INSERT INTO webhook_deliveries (id, endpoint_id, received_at, provider_delivery_id, event_type, verification,
        failure_reason, status, event_id, method, path, headers, body)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.setStatus = db.prepare(`
      UPDATE webhook_deliveries
      SET status = ?,
        invocation_id = CASE WHEN ? THEN ? ELSE invocation_id END,
        attempts = coalesce(?, attempts)
      WHERE id = ?`);
    this.newestDeliveries = db.prepare(`
      SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d INDEXED BY webhook_deliveries_by_endpoint
      WHERE d.endpoint_id = ? ORDER BY d.received_at DESC, d.rowid DESC LIMIT ?`);
    this.requestOf = db.prepare(`
      SELECT ${DELIVERY_COLUMNS}, d.method, d.path, d.headers, d.body FROM webhook_deliveries d
      WHERE d.id = ? AND d.endpoint_id = ?`);
    this.pruneStatement = db.prepare("DELETE FROM webhook_deliveries WHERE received_at < ?");

    const record = db.transaction(
      (endpoint: EndpointRow, input: RecordInput, payload: string | null, now: number) => {
        const providerId = input.providerDeliveryId;
        if (input.verification === "verified" && providerId !== null) {
          const first = this.firstDelivery.get(endpoint.id, providerId, now - input.dedupeWindowMs);
          if (first !== undefined) return { delivery: toDelivery(first), duplicate: true };
        }
        const id = input.id ?? this.newId();
        let eventId: string | null = null;
        if (payload !== null) {
          eventId = this.newId();
          // Past the window a sender may reuse its id while the first event still waits (or lies dead): the
          // delivery's own id then keeps the key unique instead of failing the UNIQUE constraint.
          let key = `webhook:${endpoint.id}:${providerId ?? id}`;
          if (this.existingEventKey.get(endpoint.function_id, key, endpoint.function_id, key) !== undefined) {
            key = `webhook:${endpoint.id}:${id}`;
          }
          this.insertEvent.run(eventId, endpoint.function_id, payload, key, now, now);
        }
        const { request } = input;
        const row: DeliveryRow = {
          id,
          endpoint_id: endpoint.id,
          received_at: now,
          provider_delivery_id: providerId,
          event_type: input.eventType,
          verification: input.verification,
          failure_reason: input.failureReason,
          // A refused request is never delivered, so it starts (and stays) in its final state.
          status: input.verification === "verified" ? "received" : "rejected",
          invocation_id: null,
          attempts: 0,
          event_id: eventId,
        };
        this.insertDelivery.run(
          row.id,
          row.endpoint_id,
          row.received_at,
          row.provider_delivery_id,
          row.event_type,
          row.verification,
          row.failure_reason,
          row.status,
          row.event_id,
          request.method,
          request.path,
          JSON.stringify(request.headers),
          Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength),
        );
        return { delivery: toDelivery(row), duplicate: false };
      },
    );
    // IMMEDIATE: the duplicate check and the inserts happen under one write lock, so two processes receiving the
    // same delivery can not both store it.
    this.recordTransaction = (...args) => record.immediate(...args);
  }

  async create(
    tenant: string,
    functionName: string,
    input: CreateWebhookInput,
    now: number,
  ): Promise<WebhookEndpoint> {
    const functionId = this.functions.require(tenant, functionName);
    const valid = normalizeWebhookInput(input);
    const id = newWebhookEndpointId();
    const sealed = this.cipher.sealBound(valid.secret, binding(functionId, id));
    this.insertEndpoint.run(
      id,
      functionId,
      valid.provider,
      valid.mode,
      valid.signatureHeader,
      valid.toleranceSeconds,
      sealed.ciphertext,
      sealed.iv,
      sealed.tag,
      sealed.keyId,
      now,
    );
    return {
      id,
      tenant,
      functionName,
      provider: valid.provider,
      mode: valid.mode,
      signatureHeader: valid.signatureHeader,
      toleranceSeconds: valid.toleranceSeconds,
      createdAt: now,
    };
  }

  async list(tenant: string, functionName: string): Promise<WebhookEndpoint[]> {
    return this.endpointsOfFunction.all(this.functions.require(tenant, functionName)).map(toEndpoint);
  }

  async resolve(id: string): Promise<{ endpoint: WebhookEndpoint; secret: string } | undefined> {
    const row = this.findEndpoint(id);
    if (row === undefined) return undefined;
    const secret = this.cipher.openBound(
      { ciphertext: row.ciphertext, iv: row.iv, tag: row.tag, keyId: row.key_id },
      binding(row.function_id, row.id),
      `the secret of webhook ${row.id}`,
    );
    return { endpoint: toEndpoint(row), secret };
  }

  async delete(tenant: string, functionName: string, id: string): Promise<void> {
    const functionId = this.functions.require(tenant, functionName);
    if (this.removeEndpoint.run(id, functionId).changes === 0) throw notFound(functionName, id);
  }

  async record(
    endpointId: string,
    input: RecordInput,
    now: number,
  ): Promise<{ delivery: WebhookDelivery; duplicate: boolean }> {
    if (input.queue !== undefined && input.verification !== "verified") {
      throw new SkiffError("INTERNAL_ERROR", "a webhook delivery that failed verification is never queued");
    }
    if (input.id !== undefined && (typeof input.id !== "string" || !DELIVERY_ID.test(input.id))) {
      throw new SkiffError(
        "INVALID_REQUEST",
        "a webhook delivery id is 1 to 128 letters, digits, '-' or '_'",
      );
    }
    const endpoint = this.findEndpoint(endpointId);
    if (endpoint === undefined) {
      throw new SkiffError("NOT_FOUND", `webhook ${JSON.stringify(shown(endpointId))} does not exist`);
    }
    const payload = input.queue === undefined ? null : toJson(input.queue.payload);
    try {
      return this.recordTransaction(endpoint, input, payload, now);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new SkiffError("CONFLICT", `webhook delivery ${input.id} is already recorded`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  async updateStatus(
    deliveryId: string,
    update: { status: string; invocationId?: string | null; attempts?: number },
  ): Promise<void> {
    const { attempts } = update;
    if (attempts !== undefined && (!Number.isSafeInteger(attempts) || attempts < 0)) {
      throw new SkiffError("INVALID_REQUEST", `attempts must be a whole number >= 0, not ${attempts}`);
    }
    // No row is no error: the delivery may have been pruned, or its endpoint deleted, while it ran.
    this.setStatus.run(
      update.status,
      update.invocationId === undefined ? 0 : 1,
      update.invocationId ?? null,
      attempts ?? null,
      deliveryId,
    );
  }

  async deliveries(
    tenant: string,
    functionName: string,
    endpointId: string,
    limit?: number,
  ): Promise<WebhookDelivery[]> {
    this.requireEndpoint(tenant, functionName, endpointId);
    return this.newestDeliveries.all(endpointId, clampListLimit(limit)).map(toDelivery);
  }

  async delivery(
    tenant: string,
    functionName: string,
    endpointId: string,
    deliveryId: string,
  ): Promise<{ delivery: WebhookDelivery; request: StoredWebhookRequest }> {
    this.requireEndpoint(tenant, functionName, endpointId);
    const row = this.requestOf.get(deliveryId, endpointId);
    if (row === undefined) {
      throw new SkiffError(
        "NOT_FOUND",
        `webhook ${endpointId} has no delivery ${JSON.stringify(shown(deliveryId))}`,
      );
    }
    return {
      delivery: toDelivery(row),
      request: {
        method: row.method,
        path: row.path,
        headers: JSON.parse(row.headers) as Array<[string, string]>,
        // A copy as a plain Uint8Array: callers compare and hand it on as bytes, not as a Node Buffer.
        body: new Uint8Array(row.body),
      },
    };
  }

  async prune(before: number): Promise<number> {
    if (!Number.isFinite(before)) {
      throw new SkiffError("INVALID_REQUEST", `prune needs a time in epoch milliseconds, not ${before}`);
    }
    return this.pruneStatement.run(before).changes;
  }

  private findEndpoint(id: string): EndpointRow | undefined {
    if (typeof id !== "string" || !ENDPOINT_ID.test(id)) return undefined;
    return this.endpointById.get(id);
  }

  /** Throws `TENANT_NOT_FOUND` / `FUNCTION_NOT_FOUND`, or `NOT_FOUND` for an endpoint of another function. */
  private requireEndpoint(tenant: string, functionName: string, endpointId: string): void {
    const functionId = this.functions.require(tenant, functionName);
    if (this.endpointOfFunction.get(endpointId, functionId) === undefined) {
      throw notFound(functionName, endpointId);
    }
  }
}

/** The authenticated data: the sealed secret opens only on its own row (this function, this endpoint id). */
function binding(functionId: number, endpointId: string): string {
  return `skiff-webhook-secret-v1\0${functionId}\0${endpointId}`;
}

function toEndpoint(row: EndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    tenant: row.tenant_name,
    functionName: row.function_name,
    provider: row.provider,
    mode: row.mode,
    signatureHeader: row.signature_header,
    toleranceSeconds: row.tolerance_seconds,
    createdAt: row.created_at,
  };
}

function toDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    receivedAt: row.received_at,
    providerDeliveryId: row.provider_delivery_id,
    eventType: row.event_type,
    verification: row.verification,
    failureReason: row.failure_reason,
    status: row.status,
    invocationId: row.invocation_id,
    attempts: row.attempts,
    eventId: row.event_id,
  };
}

function notFound(functionName: string, endpointId: string): SkiffError {
  return new SkiffError(
    "NOT_FOUND",
    `function "${functionName}" has no webhook ${JSON.stringify(shown(endpointId))}`,
  );
}

/** An id from a URL, cut short for an error message. */
function shown(id: unknown): string {
  return typeof id === "string" ? id.slice(0, 64) : "";
}

/** The event payload as JSON text; anything JSON cannot hold is the caller's error, not a storage failure. */
function toJson(payload: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(payload);
  } catch (error) {
    throw new SkiffError(
      "INVALID_REQUEST",
      `the webhook event payload is not JSON: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  if (json === undefined) throw new SkiffError("INVALID_REQUEST", "the webhook event payload is not JSON");
  return json;
}
