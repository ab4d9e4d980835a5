// A TCP port from a `skiff serve` environment variable (SKIFF_METRICS_PORT, SKIFF_DATA_PLANE_PORT): 0–65535,
// 0 picking a free one; unset or blank is no port.
import { CliError } from "../cli-error.js";

/**
 * @example
 * portFromEnv({ SKIFF_METRICS_PORT: "9464" }, "SKIFF_METRICS_PORT", "use 1-65535 …") // → 9464
 */
export function portFromEnv(env: NodeJS.ProcessEnv, name: string, hint: string): number | undefined {
  const port = env[name]?.trim();
  if (port === undefined || port === "") return undefined;
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65_535) {
    throw new CliError(`${name}=${JSON.stringify(port)} is not a TCP port`, hint);
  }
  return Number(port);
}
