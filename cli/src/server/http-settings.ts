// The operator's HTTP server settings from the environment of `skiff serve` (SKIFF_HTTP_*, SKIFF_DRAIN_MS).
import { CliError } from "../cli-error.js";
import type { HttpServerLimits } from "./http-server.js";

export interface HttpSettings {
  http: Partial<HttpServerLimits>;
  maxUrlBytes?: number;
  drainMs?: number;
}

/** Each variable and the limit it sets; unset variables keep the defaults. */
const LIMIT_VARIABLES: Record<string, keyof HttpServerLimits> = {
  SKIFF_HTTP_HEADERS_TIMEOUT_MS: "headersTimeoutMs",
  SKIFF_HTTP_REQUEST_TIMEOUT_MS: "requestTimeoutMs",
  SKIFF_HTTP_KEEP_ALIVE_TIMEOUT_MS: "keepAliveTimeoutMs",
  SKIFF_HTTP_CHECK_INTERVAL_MS: "connectionsCheckingIntervalMs",
  SKIFF_HTTP_MAX_HEADER_BYTES: "maxHeaderBytes",
  SKIFF_HTTP_MAX_REQUESTS_PER_SOCKET: "maxRequestsPerSocket",
};

/**
 * @example
 * httpSettingsFromEnv({ SKIFF_HTTP_HEADERS_TIMEOUT_MS: "5000" }) // → { http: { headersTimeoutMs: 5000 } }
 */
export function httpSettingsFromEnv(env: NodeJS.ProcessEnv): HttpSettings {
  const settings: HttpSettings = { http: {} };
  for (const [variable, limit] of Object.entries(LIMIT_VARIABLES)) {
    const value = positiveInteger(env, variable);
    if (value !== undefined) settings.http[limit] = value;
  }
  const maxUrlBytes = positiveInteger(env, "SKIFF_HTTP_MAX_URL_BYTES");
  if (maxUrlBytes !== undefined) settings.maxUrlBytes = maxUrlBytes;
  const drainMs = positiveInteger(env, "SKIFF_DRAIN_MS");
  if (drainMs !== undefined) settings.drainMs = drainMs;
  return settings;
}

function positiveInteger(env: NodeJS.ProcessEnv, variable: string): number | undefined {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === "") return undefined;
  const value = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < 1) {
    throw new CliError(
      `${variable} must be a positive whole number, got ${JSON.stringify(raw)}`,
      `unset it for the default, or e.g. ${variable}=10000`,
    );
  }
  return value;
}
