// Who crashed the runtime workers: strikes against function versions, probation for suspects, and the decision
// to quarantine a version that keeps crashing. Pure bookkeeping with an injected clock; the supervisor acts on it.
import type { QuarantineInfo } from "../types.js";

/** A function version that had an invocation in flight on a worker when it died. */
export interface Suspect {
  versionId: string;
  tenant: string;
  functionName: string;
}

export interface CrashLedgerOptions {
  now: () => number;
  /** Strikes within `windowMs` that quarantine a version; default 3. */
  strikesToQuarantine?: number;
  /** How far back strikes count; default 5 minutes. */
  windowMs?: number;
  /** How long a suspect stays in probation after its last crash; default 5 minutes. */
  probationMs?: number;
}

/** What one worker death means for the versions that were in flight on it. */
export interface CrashVerdict {
  /** Set when exactly one version was in flight: it alone can have crashed the worker. */
  strike?: { suspect: Suspect; strikes: number };
  /** Set when that strike was the last one allowed. */
  quarantine?: QuarantineInfo;
  /** Every suspect, now in probation (each in a worker of its own) until `probationUntil`. */
  probation: Suspect[];
  probationUntil: number;
}

interface Entry {
  suspect: Suspect;
  /** Epoch ms of strikes still inside the window. */
  strikes: number[];
  probationUntil: number;
  /** Set once `sweep` reported the end of its probation. */
  released: boolean;
}

export class CrashLedger {
  readonly #now: () => number;
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #probationMs: number;
  readonly #records = new Map<string, Entry>();

  constructor(options: CrashLedgerOptions) {
    this.#now = options.now;
    this.#limit = options.strikesToQuarantine ?? 3;
    this.#windowMs = options.windowMs ?? 5 * 60_000;
    this.#probationMs = options.probationMs ?? 5 * 60_000;
  }

  /**
   * Records a worker death. A death with several versions in flight is ambiguous: nobody gets a strike, but
   * all of them go to probation, where each runs alone and the next crash names the culprit. So is a death
   * with `unseen` set: others may have been in flight that nobody knew of (a direct-plane worker reports its
   * short invocations only when watched), so even a lone suspect is not surely the culprit.
   */
  workerDied(suspects: readonly Suspect[], reason: string, unseen = false): CrashVerdict {
    const now = this.#now();
    const probationUntil = now + this.#probationMs;
    const unique = [...new Map(suspects.map((s) => [s.versionId, s])).values()];
    for (const suspect of unique) {
      const record = this.#records.get(suspect.versionId);
      if (record === undefined) {
        this.#records.set(suspect.versionId, { suspect, strikes: [], probationUntil, released: false });
      } else {
        record.probationUntil = probationUntil;
        record.released = false;
      }
    }
    const verdict: CrashVerdict = { probation: unique, probationUntil };
    const [only] = unique;
    if (unseen || unique.length !== 1 || only === undefined) return verdict;
    const record = this.#records.get(only.versionId) as Entry;
    record.strikes = [...record.strikes.filter((t) => now - t < this.#windowMs), now];
    verdict.strike = { suspect: only, strikes: record.strikes.length };
    if (record.strikes.length >= this.#limit) {
      verdict.quarantine = {
        tenant: only.tenant,
        functionName: only.functionName,
        versionId: only.versionId,
        since: now,
        crashes: record.strikes.length,
        reason: `crashed its runtime worker ${record.strikes.length} times within ${Math.round(this.#windowMs / 60_000)} minutes (last: ${reason})`,
      };
      // A lifted quarantine starts from a clean slate.
      record.strikes = [];
    }
    return verdict;
  }

  /** True while the version must run in a probation worker of its own. */
  inProbation(versionId: string): boolean {
    const record = this.#records.get(versionId);
    return record !== undefined && record.probationUntil > this.#now();
  }

  /** Forgets versions whose probation ended and whose strikes aged out; returns those that left probation. */
  sweep(): string[] {
    const now = this.#now();
    const left: string[] = [];
    for (const [versionId, record] of this.#records) {
      if (record.probationUntil > now) continue;
      if (!record.released) left.push(versionId);
      record.released = true;
      record.strikes = record.strikes.filter((t) => now - t < this.#windowMs);
      if (record.strikes.length === 0) this.#records.delete(versionId);
    }
    return left;
  }

  /** Clears the strikes of every version of a function (its quarantine was lifted); probation runs its course. */
  forgive(tenant: string, functionName: string): void {
    for (const record of this.#records.values()) {
      if (record.suspect.tenant === tenant && record.suspect.functionName === functionName)
        record.strikes = [];
    }
  }
}
