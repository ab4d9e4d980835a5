// Functions and their immutable, numbered versions; the active version is what the routing table serves.
import {
  assertValidName,
  type CodeSummary,
  DEFAULT_QUOTAS,
  type FunctionConfigInput,
  newId,
  resolveFunctionConfig,
  SkiffError,
} from "@skiff/core";
import type { Database, Statement } from "better-sqlite3";
import type { SecretTable } from "./secret-table.js";
import type {
  ActiveDeployment,
  BlobStore,
  DeployInput,
  FunctionQuarantine,
  FunctionRecord,
  FunctionRepository,
  QuarantineRecord,
  VersionRecord,
} from "./types.js";

interface FunctionRow {
  id: number;
  tenant_id: number;
  tenant_name: string;
  name: string;
  active_version: number | null;
  created_at: number;
  updated_at: number;
  quarantine_version: string | null;
  quarantine_since: number | null;
  quarantine_crashes: number | null;
  quarantine_reason: string | null;
}

interface QuarantineRow {
  tenant_name: string;
  function_name: string;
  version_id: string;
  since: number;
  crashes: number;
  reason: string;
}

interface VersionRow {
  id: string;
  function_id: number;
  number: number;
  code_hash: string;
  code_size: number;
  config: string;
  created_at: number;
  code_summary: string | null;
}

const SELECT_FUNCTION = `
  SELECT f.id, f.tenant_id, t.name AS tenant_name, f.name, f.active_version, f.created_at, f.updated_at,
    q.version_id AS quarantine_version, q.since AS quarantine_since, q.crashes AS quarantine_crashes,
    q.reason AS quarantine_reason
  FROM functions f JOIN tenants t ON t.id = f.tenant_id
  LEFT JOIN function_quarantines q ON q.function_id = f.id`;

const SELECT_QUARANTINE = `
  SELECT t.name AS tenant_name, f.name AS function_name, q.version_id, q.since, q.crashes, q.reason
  FROM function_quarantines q JOIN functions f ON f.id = q.function_id JOIN tenants t ON t.id = f.tenant_id`;

export class SqliteFunctionRepository implements FunctionRepository {
  private readonly tenantId: Statement<[string], { id: number }>;
  private readonly functionByName: Statement<[string, string], FunctionRow>;
  private readonly functionById: Statement<[number], FunctionRow>;
  private readonly functionsOfTenant: Statement<[number], FunctionRow>;
  private readonly insertFunction: Statement<[number, string, number, number], { id: number }>;
  private readonly setActive: Statement<[number, number, number]>;
  private readonly deleteFunction: Statement<[number]>;
  private readonly nextNumber: Statement<[number], { next: number }>;
  private readonly insertVersion: Statement<
    [string, number, number, string, number, string, number, string | null]
  >;
  private readonly versionByNumber: Statement<[number, number], VersionRow>;
  private readonly versionsOf: Statement<[number], VersionRow>;
  private readonly active: Statement<[], VersionRow & { tenant_name: string; function_name: string }>;
  private readonly functionCount: Statement<[number], { count: number }>;
  private readonly maxFunctions: Statement<[number], { max_functions: number | null }>;
  private readonly insertQuarantine: Statement<
    [{ functionId: number; versionId: string; since: number; crashes: number; reason: string }]
  >;
  private readonly deleteQuarantine: Statement<[number]>;
  private readonly quarantines: Statement<[], QuarantineRow>;
  private readonly quarantinesOfTenant: Statement<[string], QuarantineRow>;
  private readonly deployTransaction: (
    tenant: string,
    name: string,
    code: { sha256: string; size: number },
    input: DeployInput,
  ) => { function: FunctionRecord; version: VersionRecord };

  private readonly activateTransaction: (
    tenant: string,
    name: string,
    number: number,
  ) => { function: FunctionRecord; version: VersionRecord };

  constructor(
    db: Database,
    private readonly blobs: BlobStore,
    private readonly secrets: SecretTable,
    private readonly now: () => number,
  ) {
    this.tenantId = db.prepare("SELECT id FROM tenants WHERE name = ?");
    this.functionByName = db.prepare(`${SELECT_FUNCTION} WHERE t.name = ? AND f.name = ?`);
    this.functionById = db.prepare(`${SELECT_FUNCTION} WHERE f.id = ?`);
    this.functionsOfTenant = db.prepare(`${SELECT_FUNCTION} WHERE f.tenant_id = ? ORDER BY f.name`);
    this.insertFunction = db.prepare(
      "INSERT INTO functions (tenant_id, name, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id",
    );
    this.setActive = db.prepare("UPDATE functions SET active_version = ?, updated_at = ? WHERE id = ?");
    this.deleteFunction = db.prepare("DELETE FROM functions WHERE id = ?");
    this.nextNumber = db.prepare(
      "SELECT coalesce(max(number), 0) + 1 AS next FROM versions WHERE function_id = ?",
    );
    this.insertVersion = db.prepare(
      `INSERT INTO versions (id, function_id, number, code_hash, code_size, config, created_at, code_summary)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.versionByNumber = db.prepare("SELECT * FROM versions WHERE function_id = ? AND number = ?");
    this.versionsOf = db.prepare("SELECT * FROM versions WHERE function_id = ? ORDER BY number");
    this.active = db.prepare(`
      SELECT v.*, t.name AS tenant_name, f.name AS function_name
      FROM functions f
      JOIN tenants t ON t.id = f.tenant_id
      JOIN versions v ON v.function_id = f.id AND v.number = f.active_version
      ORDER BY t.name, f.name`);
    this.functionCount = db.prepare("SELECT count(*) AS count FROM functions WHERE tenant_id = ?");
    this.maxFunctions = db.prepare("SELECT max_functions FROM tenant_quotas WHERE tenant_id = ?");
    // Stored only while the crashed version is still the active one: a deploy that came first wins.
    this.insertQuarantine = db.prepare(`
      INSERT OR REPLACE INTO function_quarantines (function_id, version_id, since, crashes, reason)
      SELECT f.id, v.id, @since, @crashes, @reason FROM functions f JOIN versions v ON v.function_id = f.id
      WHERE f.id = @functionId AND v.id = @versionId AND v.number = f.active_version`);
    this.deleteQuarantine = db.prepare("DELETE FROM function_quarantines WHERE function_id = ?");
    this.quarantines = db.prepare(`${SELECT_QUARANTINE} ORDER BY t.name, f.name`);
    this.quarantinesOfTenant = db.prepare(`${SELECT_QUARANTINE} WHERE t.name = ? ORDER BY f.name`);

    const deploy = db.transaction(
      (tenant: string, name: string, code: { sha256: string; size: number }, input: DeployInput) => {
        const tenantId = this.requireTenant(tenant);
        const now = this.now();
        const existingId = this.functionByName.get(tenant, name)?.id;
        // Counted in the write transaction, so two deploys of new functions cannot both take the last place.
        if (existingId === undefined) this.assertRoomForFunction(tenant, tenantId);
        const functionId =
          existingId ?? (this.insertFunction.get(tenantId, name, now, now) as { id: number }).id;
        // A new version is a fresh start: whatever crashed before is not what will run.
        this.deleteQuarantine.run(functionId);
        // Before the version: a version must never serve without the secrets it was deployed with.
        this.secrets.put(functionId, input.secrets ?? {}, input.config.vars, now);
        const number = (this.nextNumber.get(functionId) as { next: number }).next;
        const versionId = newId();
        this.insertVersion.run(
          versionId,
          functionId,
          number,
          code.sha256,
          code.size,
          JSON.stringify(input.config),
          now,
          input.summary === undefined ? null : JSON.stringify(input.summary),
        );
        this.setActive.run(number, now, functionId);
        return {
          function: toFunction(this.functionById.get(functionId) as FunctionRow),
          version: toVersion(this.versionByNumber.get(functionId, number) as VersionRow),
        };
      },
    );
    // IMMEDIATE takes the write lock before reading the next number, so two writers cannot pick the same one.
    this.deployTransaction = (...args) => deploy.immediate(...args);

    const activate = db.transaction((tenant: string, name: string, number: number) => {
      const fn = this.requireFunction(tenant, name);
      const version = this.versionByNumber.get(fn.id, number);
      if (version === undefined) {
        throw new SkiffError("VERSION_NOT_FOUND", `function "${name}" has no version ${number}`);
      }
      this.setActive.run(number, this.now(), fn.id);
      this.deleteQuarantine.run(fn.id);
      return {
        function: toFunction(this.functionById.get(fn.id) as FunctionRow),
        version: toVersion(version),
      };
    });
    this.activateTransaction = (...args) => activate.immediate(...args);
  }

  async deploy(
    tenant: string,
    name: string,
    input: DeployInput,
  ): Promise<{ function: FunctionRecord; version: VersionRecord }> {
    assertValidName("function", name);
    // Checked before the blob is written so bad input leaves no orphan file; checked again in the transaction.
    const tenantId = this.requireTenant(tenant);
    const existingId = this.functionByName.get(tenant, name)?.id;
    if (existingId === undefined) this.assertRoomForFunction(tenant, tenantId);
    this.secrets.check(existingId, input.secrets ?? {}, input.config.vars);
    // The blob is durable before any row names it: a crash between the two leaves only an unreferenced file.
    const code = await this.blobs.put(input.code);
    return this.deployTransaction(tenant, name, code, input);
  }

  async get(tenant: string, name: string): Promise<FunctionRecord | undefined> {
    const row = this.functionByName.get(tenant, name);
    return row === undefined ? undefined : toFunction(row);
  }

  async list(tenant: string): Promise<FunctionRecord[]> {
    return this.functionsOfTenant.all(this.requireTenant(tenant)).map(toFunction);
  }

  async delete(tenant: string, name: string): Promise<void> {
    // Versions and invocation records go with it (ON DELETE CASCADE). Code blobs stay: others may share them.
    this.deleteFunction.run(this.requireFunction(tenant, name).id);
  }

  async listVersions(tenant: string, name: string): Promise<VersionRecord[]> {
    return this.versionsOf.all(this.requireFunction(tenant, name).id).map(toVersion);
  }

  async getVersion(tenant: string, name: string, number: number): Promise<VersionRecord | undefined> {
    const fn = this.functionByName.get(tenant, name);
    if (fn === undefined) return undefined;
    const row = this.versionByNumber.get(fn.id, number);
    return row === undefined ? undefined : toVersion(row);
  }

  async activate(
    tenant: string,
    name: string,
    number: number,
  ): Promise<{ function: FunctionRecord; version: VersionRecord }> {
    return this.activateTransaction(tenant, name, number);
  }

  async listActive(): Promise<ActiveDeployment[]> {
    const secrets = this.secrets.revealAll();
    return this.active.all().map((row) => ({
      tenant: row.tenant_name,
      functionName: row.function_name,
      version: toVersion(row),
      secrets: secrets.get(row.function_id) ?? {},
    }));
  }

  async setQuarantine(tenant: string, name: string, info: FunctionQuarantine | null): Promise<boolean> {
    const fn = this.requireFunction(tenant, name);
    if (info === null) return this.deleteQuarantine.run(fn.id).changes > 0;
    const stored = this.insertQuarantine.run({
      functionId: fn.id,
      versionId: info.versionId,
      since: info.since,
      crashes: info.crashes,
      reason: info.reason,
    });
    return stored.changes > 0;
  }

  async listQuarantined(tenant?: string): Promise<QuarantineRecord[]> {
    if (tenant !== undefined) this.requireTenant(tenant);
    const rows = tenant === undefined ? this.quarantines.all() : this.quarantinesOfTenant.all(tenant);
    return rows.map((row) => ({
      tenant: row.tenant_name,
      functionName: row.function_name,
      versionId: row.version_id,
      since: row.since,
      crashes: row.crashes,
      reason: row.reason,
    }));
  }

  /** Throws `QUOTA_EXCEEDED` when the tenant already has as many functions as its quota allows. */
  private assertRoomForFunction(tenant: string, tenantId: number): void {
    const row = this.maxFunctions.get(tenantId);
    const max = row === undefined ? DEFAULT_QUOTAS.maxFunctions : row.max_functions;
    if (max === null) return;
    const count = (this.functionCount.get(tenantId) as { count: number }).count;
    if (count >= max) {
      throw new SkiffError(
        "QUOTA_EXCEEDED",
        `tenant "${tenant}" has ${count} functions and its quota maxFunctions is ${max}: delete a function or ask the operator to raise the quota`,
        { details: { quota: "maxFunctions", limit: max, used: count } },
      );
    }
  }

  private requireTenant(tenant: string): number {
    const row = this.tenantId.get(tenant);
    if (row === undefined) throw new SkiffError("TENANT_NOT_FOUND", `tenant "${tenant}" does not exist`);
    return row.id;
  }

  private requireFunction(tenant: string, name: string): FunctionRow {
    const row = this.functionByName.get(tenant, name);
    if (row !== undefined) return row;
    this.requireTenant(tenant);
    throw new SkiffError("FUNCTION_NOT_FOUND", `function "${name}" does not exist in tenant "${tenant}"`);
  }
}

function toFunction(row: FunctionRow): FunctionRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    tenantName: row.tenant_name,
    name: row.name,
    activeVersion: row.active_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    quarantine:
      row.quarantine_version === null
        ? null
        : {
            versionId: row.quarantine_version,
            since: row.quarantine_since as number,
            crashes: row.quarantine_crashes as number,
            reason: row.quarantine_reason as string,
          },
  };
}

function toVersion(row: VersionRow): VersionRecord {
  const summary = toSummary(row);
  return {
    id: row.id,
    functionId: row.function_id,
    number: row.number,
    codeHash: row.code_hash,
    codeSize: row.code_size,
    main: summary.main,
    modules: summary.modules,
    // Rows written by an older Skiff lack newer fields: resolving fills them with their defaults.
    config: resolveFunctionConfig(JSON.parse(row.config) as FunctionConfigInput),
    createdAt: row.created_at,
  };
}

/** Versions stored without a summary hold one ES module as their code blob. */
function toSummary(row: VersionRow): CodeSummary {
  if (row.code_summary !== null) return JSON.parse(row.code_summary) as CodeSummary;
  return { main: "index.js", modules: [{ path: "index.js", type: "esm", size: row.code_size }] };
}
