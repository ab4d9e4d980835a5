import { resolveFunctionConfig } from "@skiff/core";
import { describe, expect, it } from "vitest";
import type { VersionSpec } from "../types.js";
import type { BindingKind } from "./binding-kind.js";
import { bindingHostCalls, buildEnv } from "./index.js";

const version = (vars: Record<string, unknown>, secrets: Record<string, string>): VersionSpec => ({
  id: "v",
  tenant: "t",
  functionName: "f",
  number: 1,
  codeHash: "h",
  config: { ...resolveFunctionConfig(), vars: vars as Record<string, string> },
  secrets,
});

describe("bindings", () => {
  it("merge vars and secrets into env, secrets winning a clash", () => {
    expect(
      buildEnv(version({ A: "1", CONF: { deep: [1] }, SAME: "var" }, { TOKEN: "s", SAME: "secret" })),
    ).toEqual({
      A: "1",
      CONF: { deep: [1] },
      SAME: "secret",
      TOKEN: "s",
    });
  });

  it("take a new kind as one more entry, with its env and host calls", async () => {
    const kv: BindingKind = {
      kind: "kv",
      env: () => ({ CACHE: { binding: "kv", namespace: "cache" } }),
      hostCalls: () => ({ "kv.get": async (key) => `value of ${String(key)}` }),
    };
    const v = version({}, {});
    expect(buildEnv(v, [kv])).toEqual({ CACHE: { binding: "kv", namespace: "cache" } });
    const calls = bindingHostCalls(v, 0, [kv]);
    expect(await calls["kv.get"]?.("k", new AbortController().signal)).toBe("value of k");
  });
});
