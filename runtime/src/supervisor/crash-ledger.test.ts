import { describe, expect, it } from "vitest";
import { CrashLedger, type Suspect } from "./crash-ledger.js";

const crasher: Suspect = { versionId: "v-crash", tenant: "t", functionName: "crash" };
const innocent: Suspect = { versionId: "v-ok", tenant: "t", functionName: "ok" };
const MINUTE = 60_000;

function ledgerAt(start = 1_000_000) {
  const clock = { now: start };
  return { clock, ledger: new CrashLedger({ now: () => clock.now }) };
}

describe("CrashLedger", () => {
  it("gives no strike for a death with several functions in flight, but puts them all in probation", () => {
    const { ledger } = ledgerAt();
    const verdict = ledger.workerDied([crasher, innocent, crasher], "signal SIGABRT");
    expect(verdict.strike).toBeUndefined();
    expect(verdict.quarantine).toBeUndefined();
    expect(verdict.probation.map((s) => s.versionId)).toEqual(["v-crash", "v-ok"]);
    expect(ledger.inProbation("v-crash")).toBe(true);
    expect(ledger.inProbation("v-ok")).toBe(true);
    expect(ledger.inProbation("v-other")).toBe(false);
  });

  it("gives no strike to a lone suspect when others may have been in flight unseen", () => {
    const { ledger } = ledgerAt();
    for (let i = 0; i < 4; i++) {
      const verdict = ledger.workerDied([innocent], "signal SIGABRT", true);
      expect(verdict.strike).toBeUndefined();
      expect(verdict.quarantine).toBeUndefined();
      expect(verdict.probation).toEqual([innocent]);
    }
    expect(ledger.inProbation("v-ok")).toBe(true);
  });

  it("strikes the only function in flight (several of its invocations count once) and quarantines at 3", () => {
    const { clock, ledger } = ledgerAt();
    expect(ledger.workerDied([crasher, crasher], "signal SIGABRT").strike?.strikes).toBe(1);
    clock.now += MINUTE;
    expect(ledger.workerDied([crasher], "signal SIGABRT").strike?.strikes).toBe(2);
    clock.now += MINUTE;
    const third = ledger.workerDied([crasher], "signal SIGKILL");
    expect(third.strike?.strikes).toBe(3);
    expect(third.quarantine).toEqual({
      tenant: "t",
      functionName: "crash",
      versionId: "v-crash",
      since: clock.now,
      crashes: 3,
      reason: "crashed its runtime worker 3 times within 5 minutes (last: signal SIGKILL)",
    });
    // After a quarantine (and its lifting) the count starts again.
    expect(ledger.workerDied([crasher], "signal SIGABRT").strike?.strikes).toBe(1);
  });

  it("counts only strikes within 5 minutes", () => {
    const { clock, ledger } = ledgerAt();
    ledger.workerDied([crasher], "x");
    clock.now += 3 * MINUTE;
    ledger.workerDied([crasher], "x");
    clock.now += 3 * MINUTE; // the first strike is now 6 minutes old
    const verdict = ledger.workerDied([crasher], "x");
    expect(verdict.strike?.strikes).toBe(2);
    expect(verdict.quarantine).toBeUndefined();
  });

  it("ends probation 5 minutes after the last crash, reporting each version once", () => {
    const { clock, ledger } = ledgerAt();
    ledger.workerDied([crasher, innocent], "x");
    clock.now += 2 * MINUTE;
    ledger.workerDied([crasher], "x");
    clock.now += 3 * MINUTE + 1;
    expect(ledger.inProbation("v-ok")).toBe(false);
    expect(ledger.inProbation("v-crash")).toBe(true);
    expect(ledger.sweep()).toEqual(["v-ok"]);
    expect(ledger.sweep()).toEqual([]);
    clock.now += 2 * MINUTE;
    expect(ledger.inProbation("v-crash")).toBe(false);
    expect(ledger.sweep()).toEqual(["v-crash"]);
  });

  it("forgives a function's strikes when its quarantine is lifted", () => {
    const { ledger } = ledgerAt();
    ledger.workerDied([crasher], "x");
    ledger.workerDied([crasher], "x");
    ledger.forgive("t", "crash");
    const verdict = ledger.workerDied([crasher], "x");
    expect(verdict.strike?.strikes).toBe(1);
    expect(verdict.quarantine).toBeUndefined();
  });
});
