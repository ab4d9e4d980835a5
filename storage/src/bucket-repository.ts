// A tenant's buckets: created, listed, deleted (with their objects only when forced) and their notification rules.
import { SkiffError } from "@skiff/core";
import type { Database, Statement } from "better-sqlite3";
import type { BucketLookup } from "./bucket-lookup.js";
import { assertValidBucketName } from "./bucket-name.js";
import { isUniqueViolation } from "./database.js";
import { FunctionLookup } from "./function-lookup.js";
import { normalizeNotificationRules } from "./notification-rules.js";
import type { ObjectFiles } from "./object-files.js";
import type { ObjectGarbage } from "./object-garbage.js";
import type { Bucket, BucketRepository, NotificationRule } from "./types.js";

export class SqliteBucketRepository implements BucketRepository {
  private readonly functions: FunctionLookup;
  private readonly insert: Statement<[number, string, number]>;
  private readonly ofTenant: Statement<[number], { name: string; created_at: number }>;
  private readonly anyObject: Statement<[number], { one: number }>;
  private readonly hashes: Statement<[number], { sha256: string }>;
  private readonly uploads: Statement<[number], { id: string }>;
  private readonly remove: Statement<[number]>;
  private readonly setRules: Statement<[string, number]>;
  private readonly deleteTransaction: (
    tenant: string,
    name: string,
    force: boolean,
  ) => { hashes: string[]; uploads: string[] };
  private readonly setTransaction: (tenant: string, name: string, rules: NotificationRule[]) => void;

  constructor(
    db: Database,
    private readonly buckets: BucketLookup,
    private readonly files: ObjectFiles,
    private readonly garbage: ObjectGarbage,
  ) {
    this.functions = new FunctionLookup(db);
    this.insert = db.prepare("INSERT INTO buckets (tenant_id, name, created_at) VALUES (?, ?, ?)");
    this.ofTenant = db.prepare("SELECT name, created_at FROM buckets WHERE tenant_id = ? ORDER BY name");
    this.anyObject = db.prepare("SELECT 1 AS one FROM objects WHERE bucket_id = ? LIMIT 1");
    this.hashes = db.prepare("SELECT DISTINCT sha256 FROM objects WHERE bucket_id = ?");
    this.uploads = db.prepare("SELECT id FROM multipart_uploads WHERE bucket_id = ?");
    this.remove = db.prepare("DELETE FROM buckets WHERE id = ?");
    this.setRules = db.prepare("UPDATE buckets SET notifications = ? WHERE id = ?");

    const remove = db.transaction((tenant: string, name: string, force: boolean) => {
      const bucket = this.buckets.require(tenant, name);
      if (!force && this.anyObject.get(bucket.id) !== undefined) {
        throw new SkiffError(
          "CONFLICT",
          `bucket "${name}" is not empty: delete its objects first, or delete it with force`,
          { details: { s3: "BucketNotEmpty" } },
        );
      }
      const doomed = {
        hashes: this.hashes.all(bucket.id).map((row) => row.sha256),
        uploads: this.uploads.all(bucket.id).map((row) => row.id),
      };
      // Objects, uploads and parts go by cascade; their files once the rows are gone.
      this.remove.run(bucket.id);
      return doomed;
    });
    this.deleteTransaction = (...args) => remove.immediate(...args);

    const set = db.transaction((tenant: string, name: string, rules: NotificationRule[]) => {
      const bucket = this.buckets.require(tenant, name);
      for (const rule of rules) this.functions.require(tenant, rule.function);
      this.setRules.run(JSON.stringify(rules), bucket.id);
    });
    this.setTransaction = (...args) => set.immediate(...args);
  }

  async create(tenant: string, name: string, now: number): Promise<Bucket> {
    assertValidBucketName(name);
    const tenantId = this.buckets.requireTenant(tenant);
    try {
      this.insert.run(tenantId, name, now);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new SkiffError("CONFLICT", `bucket "${name}" already exists in tenant "${tenant}"`, {
          details: { s3: "BucketAlreadyOwnedByYou" },
        });
      }
      throw error;
    }
    return { tenant, name, createdAt: now };
  }

  async list(tenant: string): Promise<Bucket[]> {
    const tenantId = this.buckets.requireTenant(tenant);
    return this.ofTenant.all(tenantId).map((row) => ({ tenant, name: row.name, createdAt: row.created_at }));
  }

  async get(tenant: string, name: string): Promise<Bucket | undefined> {
    const bucket = this.buckets.find(tenant, name);
    return bucket === undefined ? undefined : { tenant, name: bucket.name, createdAt: bucket.createdAt };
  }

  async delete(tenant: string, name: string, options: { force?: boolean } = {}): Promise<void> {
    const doomed = this.deleteTransaction(tenant, name, options.force === true);
    this.garbage.collect(doomed.hashes);
    for (const uploadId of doomed.uploads) await this.files.removeUpload(uploadId);
  }

  async setNotifications(tenant: string, bucket: string, rules: NotificationRule[]): Promise<void> {
    this.setTransaction(tenant, bucket, normalizeNotificationRules(rules));
  }

  async getNotifications(tenant: string, bucket: string): Promise<NotificationRule[]> {
    return this.buckets.require(tenant, bucket).rules;
  }
}
