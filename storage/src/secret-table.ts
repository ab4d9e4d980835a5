// Row-level access to the secrets table, shared by the secret repository and the deploy transaction.
import {
  assertNoVarSecretClash,
  assertValidSecretName,
  assertValidSecretValue,
  LIMITS,
  SkiffError,
} from "@skiff/core";
import type { Database, Statement } from "better-sqlite3";
import type { SecretCipher } from "./secret-cipher.js";
import type { SecretRecord } from "./types.js";

interface SecretRow {
  function_id: number;
  name: string;
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
  key_id: string;
  created_at: number;
  updated_at: number;
}

/**
 * Synchronous, so that callers can use it inside their own better-sqlite3 transactions. Values are sealed
 * before they reach a statement and opened only by `reveal*`; nothing here logs.
 */
export class SecretTable {
  private readonly upsert: Statement<[number, string, Buffer, Buffer, Buffer, string, number, number]>;
  private readonly names: Statement<[number], { name: string; created_at: number; updated_at: number }>;
  private readonly byName: Statement<[number, string], { created_at: number; updated_at: number }>;
  private readonly remove: Statement<[number, string]>;
  private readonly ofFunction: Statement<[number], SecretRow>;
  private readonly all: Statement<[], SecretRow>;

  constructor(
    db: Database,
    private readonly cipher: SecretCipher,
  ) {
    this.upsert = db.prepare(`
      INSERT INTO secrets (function_id, name, ciphertext, iv, tag, key_id, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (function_id, name) DO UPDATE SET
        ciphertext = excluded.ciphertext, iv = excluded.iv, tag = excluded.tag, key_id = excluded.key_id,
        updated_at = excluded.updated_at`);
    this.names = db.prepare(
      "SELECT name, created_at, updated_at FROM secrets WHERE function_id = ? ORDER BY name",
    );
    this.byName = db.prepare("SELECT created_at, updated_at FROM secrets WHERE function_id = ? AND name = ?");
    this.remove = db.prepare("DELETE FROM secrets WHERE function_id = ? AND name = ?");
    this.ofFunction = db.prepare("SELECT * FROM secrets WHERE function_id = ? ORDER BY name");
    this.all = db.prepare("SELECT * FROM secrets ORDER BY function_id, name");
  }

  /** Names and times, sorted by name. */
  list(functionId: number): SecretRecord[] {
    return this.names.all(functionId).map((row) => ({
      name: row.name,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }));
  }

  /**
   * Stores the secrets (creating or replacing each), after checking names, sizes, the count per function and
   * that no var of `vars` (the config that will serve with them) has one of their names.
   */
  put(
    functionId: number,
    secrets: Record<string, string>,
    vars: Record<string, unknown>,
    now: number,
  ): { created: string[] } {
    const { created } = this.check(functionId, secrets, vars);
    for (const name of Object.keys(secrets)) {
      const sealed = this.cipher.seal(secrets[name] as string, { functionId, name });
      this.upsert.run(functionId, name, sealed.ciphertext, sealed.iv, sealed.tag, sealed.keyId, now, now);
    }
    return { created };
  }

  /**
   * What `put` checks, without writing: for a deploy to refuse bad input before it writes the code blob.
   * `functionId` is undefined for a function not created yet. Returns the names that would be new.
   */
  check(
    functionId: number | undefined,
    secrets: Record<string, string>,
    vars: Record<string, unknown>,
  ): { created: string[] } {
    const names = Object.keys(secrets);
    for (const name of names) {
      assertValidSecretName(name);
      assertValidSecretValue(name, secrets[name] as string);
    }
    const existing = new Set(functionId === undefined ? [] : this.list(functionId).map((s) => s.name));
    const created = names.filter((name) => !existing.has(name));
    if (existing.size + created.length > LIMITS.envVarCount) {
      throw new SkiffError("INVALID_CONFIG", `at most ${LIMITS.envVarCount} secrets per function`);
    }
    assertNoVarSecretClash(vars, [...existing, ...names]);
    return { created };
  }

  /** The times of one secret, or undefined. */
  get(functionId: number, name: string): SecretRecord | undefined {
    const row = this.byName.get(functionId, name);
    return row === undefined ? undefined : { name, createdAt: row.created_at, updatedAt: row.updated_at };
  }

  /** True if a secret was deleted. */
  delete(functionId: number, name: string): boolean {
    return this.remove.run(functionId, name).changes > 0;
  }

  /** The decrypted values of one function. */
  reveal(functionId: number): Record<string, string> {
    return Object.fromEntries(this.ofFunction.all(functionId).map((row) => [row.name, this.open(row)]));
  }

  /** The decrypted values of every function that has secrets, by function id. */
  revealAll(): Map<number, Record<string, string>> {
    const byFunction = new Map<number, Record<string, string>>();
    for (const row of this.all.iterate()) {
      let values = byFunction.get(row.function_id);
      if (values === undefined) {
        values = {};
        byFunction.set(row.function_id, values);
      }
      values[row.name] = this.open(row);
    }
    return byFunction;
  }

  private open(row: SecretRow): string {
    return this.cipher.open(
      { ciphertext: row.ciphertext, iv: row.iv, tag: row.tag, keyId: row.key_id },
      { functionId: row.function_id, name: row.name },
    );
  }
}
