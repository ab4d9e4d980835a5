// A Runtime whose handler the test scripts: it records every event it is given and answers as told.
import type { InvocationEvent, InvocationResult } from "@skiff/core";
import type { CheckResult, InvokeOptions, Runtime, VersionSpec } from "@skiff/runtime";

export type ScriptedAnswer = Partial<InvocationResult> | Promise<Partial<InvocationResult>>;

export class ScriptedRuntime implements Runtime {
  readonly calls: Array<{ version: VersionSpec; event: InvocationEvent; invocationId: string }> = [];
  running = 0;
  maxRunning = 0;
  answer: (event: InvocationEvent, call: number) => ScriptedAnswer = () => ({});

  async invoke(
    version: VersionSpec,
    event: InvocationEvent,
    options: InvokeOptions = {},
  ): Promise<InvocationResult> {
    const invocationId = options.invocationId ?? `inv-${this.calls.length + 1}`;
    this.calls.push({ version, event, invocationId });
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      const partial = await this.answer(event, this.calls.length);
      return {
        invocationId,
        outcome: "ok",
        cold: false,
        cpuMs: 1,
        wallMs: 1,
        logs: [],
        droppedLogLines: 0,
        ...partial,
      };
    } finally {
      this.running--;
    }
  }

  async check(): Promise<CheckResult> {
    return { ok: true };
  }

  evict(): void {}

  quarantined(): [] {
    return [];
  }

  quarantine(): void {}

  liftQuarantine(): void {}

  async close(): Promise<void> {}
}
