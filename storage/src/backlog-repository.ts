// The platform's async backlog (event queue, queue messages, dead letters) counted on demand, for metrics.
import type { Database, Statement } from "better-sqlite3";
import type { BacklogRepository, BacklogSample } from "./types.js";

export class SqliteBacklogRepository implements BacklogRepository {
  private readonly events: Statement<[], { tenant: string; kind: string; count: number; oldest: number }>;
  private readonly messages: Statement<[], { tenant: string; queue: string; count: number; oldest: number }>;
  private readonly deadLetters: Statement<[], { tenant: string; kind: string; count: number }>;

  constructor(db: Database) {
    this.events = db.prepare(`
      SELECT t.name AS tenant, e.kind, count(*) AS count, min(e.created_at) AS oldest
      FROM events e JOIN functions f ON f.id = e.function_id JOIN tenants t ON t.id = f.tenant_id
      GROUP BY t.name, e.kind ORDER BY t.name, e.kind`);
    this.messages = db.prepare(`
      SELECT t.name AS tenant, q.name AS queue, count(*) AS count, min(m.created_at) AS oldest
      FROM queue_messages m JOIN queues q ON q.id = m.queue_id JOIN tenants t ON t.id = q.tenant_id
      GROUP BY t.name, q.name ORDER BY t.name, q.name`);
    this.deadLetters = db.prepare(`
      SELECT t.name AS tenant, d.kind, count(*) AS count
      FROM dead_letters d JOIN functions f ON f.id = d.function_id JOIN tenants t ON t.id = f.tenant_id
      GROUP BY t.name, d.kind ORDER BY t.name, d.kind`);
  }

  async sample(): Promise<BacklogSample> {
    return {
      events: this.events
        .all()
        .map((r) => ({ tenant: r.tenant, kind: r.kind, count: r.count, oldestCreatedAt: r.oldest })),
      queueMessages: this.messages
        .all()
        .map((r) => ({ tenant: r.tenant, queue: r.queue, count: r.count, oldestCreatedAt: r.oldest })),
      deadLetters: this.deadLetters.all().map((r) => ({ tenant: r.tenant, kind: r.kind, count: r.count })),
    };
  }
}
