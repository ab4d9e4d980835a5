// Telling "the metadata database failed" (disk full, I/O error, corruption) apart from a bug or a bad request.
import BetterSqlite3 from "better-sqlite3";

/**
 * SQLite result codes (and their extended `_…` forms) that mean the database itself can not serve: the disk is
 * full, the file can not be read, written or opened, it is corrupt, the lock stayed taken past `busy_timeout`,
 * or memory ran out. A constraint violation or a misused statement is none of these: that is our bug or the
 * caller's input.
 */
const UNAVAILABLE = /^SQLITE_(FULL|IOERR|READONLY|CORRUPT|NOTADB|CANTOPEN|BUSY|NOMEM)(_|$)/;

/**
 * True when `error` is the storage backend failing rather than the request: the caller answers 503
 * METADATA_UNAVAILABLE (deployed functions keep serving from memory) instead of 500.
 *
 * @example
 * if (isStorageUnavailable(error)) return new SkiffError("METADATA_UNAVAILABLE", "the metadata store is unavailable");
 */
export function isStorageUnavailable(error: unknown): boolean {
  return error instanceof BetterSqlite3.SqliteError && UNAVAILABLE.test(error.code);
}
