// Numbered schema migrations, each applied in its own transaction and recorded in `schema_migrations`.
import { SkiffError } from "@skiff/core";
import type { Database } from "better-sqlite3";

/** One schema change. SQL lives in TypeScript strings because tsc does not copy `.sql` files to `dist`. */
export interface Migration {
  /** Position in the sequence: 1, 2, 3… */
  version: number;
  name: string;
  sql: string;
}

/**
 * Applies the migrations not yet recorded in `db`, in order, each in one `BEGIN IMMEDIATE` transaction so a
 * failing one leaves no trace and a second process migrating at the same time waits instead of racing.
 * Returns the versions it applied. Refuses a database whose schema is newer than the code.
 */
export function migrate(db: Database, migrations: readonly Migration[], now: () => number): number[] {
  assertOrdered(migrations);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`);

  const latestKnown = migrations.at(-1)?.version ?? 0;
  const latestApplied = appliedVersions(db).at(-1) ?? 0;
  if (latestApplied > latestKnown) {
    throw new SkiffError(
      "INTERNAL_ERROR",
      `the database schema is at version ${latestApplied} but this Skiff knows only up to ${latestKnown}: upgrade Skiff`,
    );
  }

  const isApplied = db.prepare<[number], { version: number }>(
    "SELECT version FROM schema_migrations WHERE version = ?",
  );
  const record = db.prepare<[number, string, number]>(
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
  );
  const applied: number[] = [];
  for (const migration of migrations) {
    const apply = db.transaction(() => {
      // Checked inside the transaction: another process may have applied it since we looked.
      if (isApplied.get(migration.version) !== undefined) return false;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, now());
      return true;
    });
    try {
      if (apply.immediate()) applied.push(migration.version);
    } catch (error) {
      throw new SkiffError(
        "INTERNAL_ERROR",
        `migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  return applied;
}

/** The versions recorded in `schema_migrations`, ascending. */
export function appliedVersions(db: Database): number[] {
  return db
    .prepare<[], { version: number }>("SELECT version FROM schema_migrations ORDER BY version")
    .all()
    .map((row) => row.version);
}

function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new SkiffError(
        "INTERNAL_ERROR",
        `migration "${migration.name}" has version ${migration.version}, expected ${index + 1}`,
      );
    }
  });
}
