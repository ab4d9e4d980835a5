// The one way a quarantined version is refused, whether the supervisor or a direct-plane worker runs it.
import { SkiffError } from "@skiff/core";
import type { QuarantineInfo, VersionSpec } from "../types.js";

export function quarantineKey(tenant: string, functionName: string): string {
  return `${tenant}/${functionName}`;
}

/** The quarantine that stops `version`: its function's, if it names this very version (a new deploy lifts it). */
export function quarantineOf(
  quarantines: ReadonlyMap<string, QuarantineInfo>,
  version: VersionSpec,
): QuarantineInfo | undefined {
  const info = quarantines.get(quarantineKey(version.tenant, version.functionName));
  return info?.versionId === version.id ? info : undefined;
}

/** Throws FUNCTION_QUARANTINED when `version` is quarantined. */
export function refuseQuarantined(
  quarantines: ReadonlyMap<string, QuarantineInfo>,
  version: VersionSpec,
): void {
  const quarantined = quarantineOf(quarantines, version);
  if (quarantined === undefined) return;
  throw new SkiffError(
    "FUNCTION_QUARANTINED",
    `function "${version.functionName}" is quarantined after crashing its runtime worker ${quarantined.crashes} times; deploy a new version or ask the operator to lift it`,
  );
}
