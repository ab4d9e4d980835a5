// Finding a bucket's row by tenant and name, with the not-found errors every bucket operation answers alike.
import { SkiffError } from "@skiff/core";
import type { Database, Statement } from "better-sqlite3";
import type { NotificationRule } from "./types.js";

/** A bucket as the object operations need it: its row id and its notification rules. */
export interface ResolvedBucket {
  id: number;
  tenantId: number;
  name: string;
  rules: NotificationRule[];
  createdAt: number;
}

interface BucketRow {
  id: number;
  tenant_id: number;
  name: string;
  notifications: string;
  created_at: number;
}

/** Synchronous, so that it can run inside the transactions that write objects. */
export class BucketLookup {
  private readonly tenantId: Statement<[string], { id: number }>;
  private readonly byName: Statement<[string, string], BucketRow>;

  constructor(db: Database) {
    this.tenantId = db.prepare("SELECT id FROM tenants WHERE name = ?");
    this.byName = db.prepare(`
      SELECT b.id, b.tenant_id, b.name, b.notifications, b.created_at
      FROM buckets b JOIN tenants t ON t.id = b.tenant_id
      WHERE t.name = ? AND b.name = ?`);
  }

  /** The bucket, or undefined if the tenant or the bucket does not exist. */
  find(tenant: string, name: string): ResolvedBucket | undefined {
    const row = this.byName.get(tenant, name);
    if (row === undefined) return undefined;
    return {
      id: row.id,
      tenantId: row.tenant_id,
      name: row.name,
      rules: JSON.parse(row.notifications) as NotificationRule[],
      createdAt: row.created_at,
    };
  }

  /** The bucket. Throws `TENANT_NOT_FOUND`, or `NOT_FOUND` (S3's NoSuchBucket) for an unknown bucket. */
  require(tenant: string, name: string): ResolvedBucket {
    const bucket = this.find(tenant, name);
    if (bucket !== undefined) return bucket;
    this.requireTenant(tenant);
    throw noSuchBucket(tenant, name);
  }

  /** The tenant's id. Throws `TENANT_NOT_FOUND`. */
  requireTenant(tenant: string): number {
    const row = this.tenantId.get(tenant);
    if (row === undefined) throw new SkiffError("TENANT_NOT_FOUND", `tenant "${tenant}" does not exist`);
    return row.id;
  }
}

export function noSuchBucket(tenant: string, name: string): SkiffError {
  const shown = name.length > 80 ? `${name.slice(0, 80)}…` : name;
  return new SkiffError("NOT_FOUND", `bucket ${JSON.stringify(shown)} does not exist in tenant "${tenant}"`, {
    details: { s3: "NoSuchBucket" },
  });
}
