// The direct data plane's settings from the environment of `skiff serve`: SKIFF_DATA_PLANE_PORT turns it on (a
// second port whose function requests the runtime workers answer themselves), SKIFF_DATA_PLANE_HOST binds it.
import { CliError } from "../cli-error.js";
import { portFromEnv } from "./env-port.js";

export interface DataPlaneSettings {
  dataPlanePort?: number;
  dataPlaneHost?: string;
}

/**
 * @example
 * dataPlaneSettingsFromEnv({ SKIFF_DATA_PLANE_PORT: "8788" }) // → { dataPlanePort: 8788 }
 */
export function dataPlaneSettingsFromEnv(env: NodeJS.ProcessEnv): DataPlaneSettings {
  const settings: DataPlaneSettings = {};
  const port = portFromEnv(
    env,
    "SKIFF_DATA_PLANE_PORT",
    "use 1-65535 (or 0 for a free one), e.g. SKIFF_DATA_PLANE_PORT=8788; unset it to serve functions on the main port only",
  );
  if (port !== undefined) settings.dataPlanePort = port;
  const host = env.SKIFF_DATA_PLANE_HOST?.trim();
  if (host !== undefined && host !== "") {
    if (settings.dataPlanePort === undefined) {
      throw new CliError(
        "SKIFF_DATA_PLANE_HOST is set but SKIFF_DATA_PLANE_PORT is not",
        "set SKIFF_DATA_PLANE_PORT too (0 picks a free port), or unset SKIFF_DATA_PLANE_HOST",
      );
    }
    settings.dataPlaneHost = host;
  }
  return settings;
}
