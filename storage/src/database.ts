// Opening the SQLite file with the settings every connection needs (DESIGN §6).
import BetterSqlite3, { type Database } from "better-sqlite3";

/** Opens (creating if absent) a SQLite database in WAL mode with foreign keys enforced. */
export function openDatabase(path: string): Database {
  const db = new BetterSqlite3(path);
  try {
    db.pragma("journal_mode = WAL");
    // NORMAL is durable across process crashes under WAL; only a power loss may drop the last commits.
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** True for a SQLite UNIQUE or PRIMARY KEY constraint violation. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}
