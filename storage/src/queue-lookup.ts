// Finding a queue's row by tenant and name, with the not-found errors every queue operation answers alike.
import { SkiffError } from "@skiff/core";
import type { Database, Statement } from "better-sqlite3";
import type { Queue } from "./queue-types.js";

export interface QueueRow {
  id: number;
  tenant_id: number;
  tenant: string;
  name: string;
  ordered: number;
  max_message_bytes: number;
  retention_seconds: number;
  created_at: number;
}

export const SELECT_QUEUE = `
  SELECT q.id, q.tenant_id, t.name AS tenant, q.name, q.ordered, q.max_message_bytes, q.retention_seconds,
    q.created_at
  FROM queues q JOIN tenants t ON t.id = q.tenant_id`;

/** Synchronous, so that it can run inside the transactions that send and publish. */
export class QueueLookup {
  private readonly tenantId: Statement<[string], { id: number }>;
  private readonly byName: Statement<[string, string], QueueRow>;
  private readonly byId: Statement<[number], QueueRow>;

  constructor(db: Database) {
    this.tenantId = db.prepare("SELECT id FROM tenants WHERE name = ?");
    this.byName = db.prepare(`${SELECT_QUEUE} WHERE t.name = ? AND q.name = ?`);
    this.byId = db.prepare(`${SELECT_QUEUE} WHERE q.id = ?`);
  }

  find(tenant: string, name: string): QueueRow | undefined {
    return this.byName.get(tenant, name);
  }

  findById(id: number): QueueRow | undefined {
    return this.byId.get(id);
  }

  /** Throws `TENANT_NOT_FOUND`, or `NOT_FOUND` for an unknown queue. */
  require(tenant: string, name: string): QueueRow {
    const row = this.find(tenant, name);
    if (row !== undefined) return row;
    this.requireTenant(tenant);
    throw new SkiffError(
      "NOT_FOUND",
      `queue ${JSON.stringify(name.slice(0, 80))} does not exist in tenant "${tenant}"`,
    );
  }

  requireTenant(tenant: string): number {
    const row = this.tenantId.get(tenant);
    if (row === undefined) throw new SkiffError("TENANT_NOT_FOUND", `tenant "${tenant}" does not exist`);
    return row.id;
  }
}

export function toQueue(row: QueueRow): Queue {
  return {
    tenant: row.tenant,
    name: row.name,
    ordered: row.ordered === 1,
    maxMessageBytes: row.max_message_bytes,
    retentionSeconds: row.retention_seconds,
    createdAt: row.created_at,
  };
}
