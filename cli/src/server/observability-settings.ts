// The operator's metrics and pricing settings from the environment of `skiff serve`: SKIFF_METRICS_PORT,
// SKIFF_METRICS_HOST, and the price table in SKIFF_PRICES (JSON) or SKIFF_PRICES_FILE (a JSON file).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { isSkiffError } from "@skiff/core";
import { type PriceTable, parsePriceTable } from "@skiff/gateway";
import { CliError } from "../cli-error.js";
import { portFromEnv } from "./env-port.js";

export interface ObservabilitySettings {
  metricsPort?: number;
  metricsHost?: string;
  prices?: PriceTable;
}

const PRICES_EXAMPLE = `SKIFF_PRICES='{"perRequest": 0.0000002, "perGbSecond": 0.0000166667}'`;

/**
 * @example
 * observabilitySettingsFromEnv({ SKIFF_METRICS_PORT: "9464" }, "/srv") // → { metricsPort: 9464 }
 */
export function observabilitySettingsFromEnv(
  env: NodeJS.ProcessEnv,
  cwd: string,
  readText: (path: string) => string = (path) => readFileSync(path, "utf8"),
): ObservabilitySettings {
  const settings: ObservabilitySettings = {};
  const port = portFromEnv(
    env,
    "SKIFF_METRICS_PORT",
    "use 1-65535 (or 0 for a free one), e.g. SKIFF_METRICS_PORT=9464",
  );
  if (port !== undefined) settings.metricsPort = port;
  const host = env.SKIFF_METRICS_HOST?.trim();
  if (host !== undefined && host !== "") settings.metricsHost = host;

  const inline = env.SKIFF_PRICES;
  const file = env.SKIFF_PRICES_FILE;
  if (inline !== undefined && file !== undefined) {
    throw new CliError("both SKIFF_PRICES and SKIFF_PRICES_FILE are set", "set one of them");
  }
  if (inline !== undefined) settings.prices = prices(inline, "SKIFF_PRICES");
  if (file !== undefined) {
    const path = resolve(cwd, file);
    let text: string;
    try {
      text = readText(path);
    } catch (error) {
      throw new CliError(
        `SKIFF_PRICES_FILE: could not read ${path}: ${(error as Error).message}`,
        "point it at a JSON file holding the price table",
      );
    }
    settings.prices = prices(text, `SKIFF_PRICES_FILE (${path})`);
  }
  return settings;
}

function prices(text: string, source: string): PriceTable {
  try {
    return parsePriceTable(text);
  } catch (error) {
    if (!isSkiffError(error)) throw error;
    throw new CliError(
      `${source}: ${error.message}`,
      `fields: currency, perRequest, perGbSecond, perCpuMs, perEgressGb; e.g. ${PRICES_EXAMPLE}`,
    );
  }
}
