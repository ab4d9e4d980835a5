// Online backup of the metadata database with SQLite's backup API, safe while a server writes to it.
import { randomUUID } from "node:crypto";
import { access, link, open, readdir, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { SkiffError } from "@skiff/core";
import BetterSqlite3 from "better-sqlite3";

/** The metadata database's file name in the data directory. */
export const DATABASE_FILE = "skiff.db";

/** What a restore needs besides the database: content-addressed files and the keys, when present. */
const COMPANIONS = ["blobs", "objects", "master.key", "admin.key", "default.key"];

/** How long the backup's connection waits for a writer's lock before giving up (as the server's own). */
const BUSY_TIMEOUT_MS = 5_000;

/** Pages per backup step: all of them, so the copy is one consistent snapshot taken in one read transaction. */
const ALL_PAGES = 0x7fffffff;

export interface BackupOptions {
  /** Replace an existing file at the destination. */
  force?: boolean;
}

export interface BackupResult {
  /** Where the copy now is. */
  file: string;
  bytes: number;
  pages: number;
  /** `PRAGMA integrity_check` of the copy: always "ok" (a copy that is not is removed and reported). */
  integrity: "ok";
}

/**
 * Copies the SQLite database `source` to `destination` while other processes may be writing it: the backup API
 * copies one consistent snapshot; the copy is written to a temporary file beside the destination, switched to
 * a single-file journal, checked with `PRAGMA integrity_check`, fsynced, and only then given its name. An
 * existing destination is kept unless `force` (refused with CONFLICT); a missing source or destination
 * directory is NOT_FOUND; a copy that fails its check is removed and reported as INTERNAL_ERROR.
 *
 * @example
 * await backupDatabase(join(dataDir, DATABASE_FILE), "/backups/skiff-2025-01-02.db");
 */
export async function backupDatabase(
  source: string,
  destination: string,
  options: BackupOptions = {},
): Promise<BackupResult> {
  if (!(await exists(source))) throw new SkiffError("NOT_FOUND", `there is no database at ${source}`);
  if (!(await exists(dirname(destination)))) {
    throw new SkiffError("NOT_FOUND", `the directory ${dirname(destination)} does not exist`);
  }
  if (!options.force && (await exists(destination))) {
    throw new SkiffError("CONFLICT", `${destination} already exists`);
  }
  const temp = join(dirname(destination), `.${basename(destination)}.${randomUUID()}.tmp`);
  try {
    await copyDatabase(source, temp);
    const pages = verifyCopy(temp);
    await fsyncPath(temp);
    await place(temp, destination, options.force === true);
    await fsyncPath(dirname(destination));
    return { file: destination, bytes: (await stat(destination)).size, pages, integrity: "ok" };
  } finally {
    for (const leftover of [temp, `${temp}-journal`, `${temp}-wal`, `${temp}-shm`]) {
      await unlink(leftover).catch(() => {});
    }
  }
}

/**
 * `PRAGMA integrity_check` of a database file, opened read-only: "ok", or SQLite's list of problems. Works on a
 * WAL database while its server runs.
 */
export function checkIntegrity(file: string): string {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    return integrityOf(db);
  } finally {
    db.close();
  }
}

/** The paths in `dataDir` a restore needs besides the database (those that exist), to copy after the backup. */
export async function backupCompanions(dataDir: string): Promise<string[]> {
  const present = new Set(await readdir(dataDir).catch(() => [] as string[]));
  return COMPANIONS.filter((name) => present.has(name)).map((name) => join(dataDir, name));
}

async function copyDatabase(source: string, temp: string): Promise<void> {
  // Not read-only: a reader of a WAL database may need to create its -shm file when no server is running.
  const db = new BetterSqlite3(source, { fileMustExist: true });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    await db.backup(temp, { progress: () => ALL_PAGES });
  } finally {
    db.close();
  }
}

/** Makes the copy one self-contained file (no -wal to forget) and checks it; returns its page count. */
function verifyCopy(file: string): number {
  const db = new BetterSqlite3(file, { fileMustExist: true });
  try {
    db.pragma("journal_mode = DELETE");
    const integrity = integrityOf(db);
    if (integrity !== "ok") {
      throw new SkiffError("INTERNAL_ERROR", `the backup copy failed its integrity check: ${integrity}`);
    }
    return db.pragma("page_count", { simple: true }) as number;
  } finally {
    db.close();
  }
}

function integrityOf(db: BetterSqlite3.Database): string {
  const rows = db.pragma("integrity_check") as Array<{ integrity_check: string }>;
  return rows.map((row) => row.integrity_check).join("; ");
}

/** Gives the copy its name: atomically replacing (force), or atomically refusing to (a hard link fails if taken). */
async function place(temp: string, destination: string, force: boolean): Promise<void> {
  if (force) return rename(temp, destination);
  try {
    await link(temp, destination);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw new SkiffError("CONFLICT", `${destination} already exists`);
    // A filesystem without hard links: the existence check above is the guard.
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP") throw error;
    await rename(temp, destination);
  }
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
