// S3 access keys per tenant: the secret is sealed like function secrets, shown once, opened only to check a
// request's signature.
import { randomBytes, randomInt } from "node:crypto";
import { SkiffError } from "@skiff/core";
import type { Database, Statement } from "better-sqlite3";
import type { SecretCipher } from "./secret-cipher.js";
import type { S3Credential, S3CredentialRepository } from "./types.js";

const ACCESS_KEY_PREFIX = "SKIFF";
const ACCESS_KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const ACCESS_KEY_ID = /^SKIFF[A-Z0-9]{16}$/;

interface CredentialRow {
  access_key_id: string;
  tenant_id: number;
  tenant_name: string;
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
  key_id: string;
  created_at: number;
}

/** `SKIFF` and 16 uppercase letters or digits, like AWS's `AKIA…` ids. */
export function newAccessKeyId(): string {
  let id = ACCESS_KEY_PREFIX;
  for (let i = 0; i < 16; i += 1) id += ACCESS_KEY_ALPHABET[randomInt(ACCESS_KEY_ALPHABET.length)];
  return id;
}

/** 40 characters of base64 (30 random bytes), shaped like an AWS secret access key. */
export function newSecretAccessKey(): string {
  return randomBytes(30).toString("base64");
}

export class SqliteS3CredentialRepository implements S3CredentialRepository {
  private readonly tenantId: Statement<[string], { id: number }>;
  private readonly insert: Statement<[string, number, Buffer, Buffer, Buffer, string, number]>;
  private readonly live: Statement<[string], CredentialRow>;
  private readonly ofTenant: Statement<[number], { access_key_id: string; created_at: number }>;
  private readonly markRevoked: Statement<[number, string, number]>;

  constructor(
    db: Database,
    private readonly cipher: SecretCipher,
    private readonly now: () => number,
  ) {
    this.tenantId = db.prepare("SELECT id FROM tenants WHERE name = ?");
    this.insert = db.prepare(`
      INSERT INTO s3_credentials (access_key_id, tenant_id, ciphertext, iv, tag, key_id, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)`);
    this.live = db.prepare(`
      SELECT c.*, t.name AS tenant_name FROM s3_credentials c JOIN tenants t ON t.id = c.tenant_id
      WHERE c.access_key_id = ? AND c.revoked_at IS NULL`);
    this.ofTenant = db.prepare(`
      SELECT access_key_id, created_at FROM s3_credentials
      WHERE tenant_id = ? AND revoked_at IS NULL ORDER BY created_at, access_key_id`);
    this.markRevoked = db.prepare(`
      UPDATE s3_credentials SET revoked_at = coalesce(revoked_at, ?) WHERE access_key_id = ? AND tenant_id = ?`);
  }

  async create(tenant: string, now: number): Promise<{ accessKeyId: string; secretAccessKey: string }> {
    const tenantId = this.requireTenant(tenant);
    const accessKeyId = newAccessKeyId();
    const secretAccessKey = newSecretAccessKey();
    const sealed = this.cipher.sealBound(secretAccessKey, binding(tenantId, accessKeyId));
    this.insert.run(accessKeyId, tenantId, sealed.ciphertext, sealed.iv, sealed.tag, sealed.keyId, now);
    return { accessKeyId, secretAccessKey };
  }

  async resolve(accessKeyId: string): Promise<{ tenant: string; secretAccessKey: string } | undefined> {
    if (typeof accessKeyId !== "string" || !ACCESS_KEY_ID.test(accessKeyId)) return undefined;
    const row = this.live.get(accessKeyId);
    if (row === undefined) return undefined;
    const secretAccessKey = this.cipher.openBound(
      { ciphertext: row.ciphertext, iv: row.iv, tag: row.tag, keyId: row.key_id },
      binding(row.tenant_id, row.access_key_id),
      `the secret of S3 access key ${row.access_key_id}`,
    );
    return { tenant: row.tenant_name, secretAccessKey };
  }

  async list(tenant: string): Promise<S3Credential[]> {
    return this.ofTenant
      .all(this.requireTenant(tenant))
      .map((row) => ({ accessKeyId: row.access_key_id, tenant, createdAt: row.created_at }));
  }

  async revoke(tenant: string, accessKeyId: string): Promise<void> {
    const tenantId = this.requireTenant(tenant);
    if (this.markRevoked.run(this.now(), accessKeyId, tenantId).changes === 0) {
      const shown = typeof accessKeyId === "string" ? accessKeyId.slice(0, 40) : "";
      throw new SkiffError("NOT_FOUND", `tenant "${tenant}" has no S3 access key ${JSON.stringify(shown)}`);
    }
  }

  private requireTenant(tenant: string): number {
    const row = this.tenantId.get(tenant);
    if (row === undefined) throw new SkiffError("TENANT_NOT_FOUND", `tenant "${tenant}" does not exist`);
    return row.id;
  }
}

/** The authenticated data: the ciphertext opens only on its own row (this tenant, this access key id). */
function binding(tenantId: number, accessKeyId: string): string {
  return `skiff-s3-credential-v1\0${tenantId}\0${accessKeyId}`;
}
