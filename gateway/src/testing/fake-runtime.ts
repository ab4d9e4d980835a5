// A Runtime that runs no code: tests script its answers, and it records what the gateway asked of it.
import { type CodeBundle, type InvocationEvent, type InvocationResult, SkiffError } from "@skiff/core";
import type { CheckResult, InvokeOptions, QuarantineInfo, Runtime, VersionSpec } from "@skiff/runtime";

export type FakeHandler = (
  version: VersionSpec,
  event: InvocationEvent,
  options: InvokeOptions,
) => Partial<InvocationResult> | Promise<Partial<InvocationResult>>;

export interface FakeInvocation {
  version: VersionSpec;
  event: InvocationEvent;
  options: InvokeOptions;
}

const utf8 = new TextEncoder();

/** By default answers 200 with `"<function> v<n> <METHOD> <url>"`; set `handler` or `checkResult` to script it. */
export class FakeRuntime implements Runtime {
  readonly invocations: FakeInvocation[] = [];
  /** Bundles passed to `check`, in order. */
  readonly checked: CodeBundle[] = [];
  readonly evicted: string[] = [];
  closed = false;

  handler: FakeHandler = (version, event) => ({
    response: {
      status: 200,
      statusText: "OK",
      headers: [["content-type", "text/plain"]],
      body: utf8.encode(
        event.kind === "http"
          ? `${version.functionName} v${version.number} ${event.method} ${event.url}`
          : `${version.functionName} v${version.number} ${event.kind}`,
      ),
    },
  });

  checkResult: (bundle: CodeBundle) => CheckResult = () => ({ ok: true });

  async invoke(
    version: VersionSpec,
    event: InvocationEvent,
    options: InvokeOptions = {},
  ): Promise<InvocationResult> {
    this.invocations.push({ version, event, options });
    // As the supervisor: a quarantined function's crashed version is refused before anything runs.
    if (this.quarantines.get(`${version.tenant}/${version.functionName}`)?.versionId === version.id) {
      throw new SkiffError("FUNCTION_QUARANTINED", `function "${version.functionName}" is quarantined`);
    }
    const partial = await this.handler(version, event, options);
    return {
      invocationId: options.invocationId ?? "fake-invocation",
      outcome: "ok",
      cold: this.invocations.filter((i) => i.version.id === version.id).length === 1,
      cpuMs: 1,
      wallMs: 2,
      logs: [],
      droppedLogLines: 0,
      ...partial,
    };
  }

  async check(bundle: CodeBundle): Promise<CheckResult> {
    this.checked.push(structuredClone(bundle));
    return this.checkResult(bundle);
  }

  evict(versionId: string): void {
    this.evicted.push(versionId);
  }

  readonly quarantines = new Map<string, QuarantineInfo>();

  quarantined(): QuarantineInfo[] {
    return [...this.quarantines.values()];
  }

  quarantine(info: QuarantineInfo): void {
    this.quarantines.set(`${info.tenant}/${info.functionName}`, info);
  }

  liftQuarantine(tenant: string, functionName: string): void {
    this.quarantines.delete(`${tenant}/${functionName}`);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
