// The quotas as the CLI names them (flags) and shows them (a table of limit and use), shared by get and set.
import type { TenantQuotas, TenantUsage } from "@skiff/core";
import { CliError } from "../../cli-error.js";
import type { OptionSpecs } from "../../command.js";
import { formatTable } from "../../format-table.js";

type CountField = Exclude<keyof TenantQuotas, "allowCodeGeneration">;

/** Every counted quota: its flag, and the usage figure it limits (if one is measured). */
export const COUNT_QUOTAS: ReadonlyArray<{
  flag: string;
  field: CountField;
  used?: keyof TenantUsage;
  what: string;
}> = [
  { flag: "max-functions", field: "maxFunctions", used: "functions", what: "functions the tenant may have" },
  {
    flag: "max-isolate-memory-mb",
    field: "maxIsolateMemoryMb",
    used: "isolateMemoryMb",
    what: "MB of isolates running at once (sum of memoryMb)",
  },
  {
    flag: "max-concurrent-invocations",
    field: "maxConcurrentInvocations",
    used: "concurrentInvocations",
    what: "invocations running at once",
  },
  {
    flag: "requests-per-second",
    field: "requestsPerSecond",
    what: "HTTP requests per second (token bucket)",
  },
  { flag: "burst", field: "burst", what: "token bucket size (default: requests-per-second)" },
  {
    flag: "max-stored-bytes",
    field: "maxStoredBytes",
    used: "storedBytes",
    what: "bytes in buckets and KV namespaces",
  },
  {
    flag: "async-events-per-minute",
    field: "asyncEventsPerMinute",
    used: "asyncEventsLastMinute",
    what: "async events enqueued per minute",
  },
];

export const ALLOW_CODE_GENERATION_FLAG = "allow-code-generation";

/** `--<flag> <n|unlimited>` for each counted quota, and `--allow-code-generation true|false`. */
export const quotaOptions = {
  ...Object.fromEntries(
    COUNT_QUOTAS.map(({ flag, what }) => [
      flag,
      { type: "string", placeholder: "<n|unlimited>", description: what } as const,
    ]),
  ),
  [ALLOW_CODE_GENERATION_FLAG]: {
    type: "string",
    placeholder: "<true|false>",
    description: "whether tenant code may use eval / new Function",
  },
} as OptionSpecs;

/** The quota patch the flags ask for. Throws CliError for a value that is not a count, "unlimited" or a boolean. */
export function quotaPatch(values: Record<string, unknown>): Partial<TenantQuotas> {
  const patch: Partial<TenantQuotas> = {};
  for (const { flag, field } of COUNT_QUOTAS) {
    const value = values[flag];
    if (typeof value !== "string") continue;
    const text = value.trim().toLowerCase();
    if (text === "unlimited" || text === "none") patch[field] = null;
    else if (/^\d+$/.test(text) && Number.isSafeInteger(Number(text))) patch[field] = Number(text);
    else {
      throw new CliError(
        `--${flag} must be a whole number or "unlimited", got ${JSON.stringify(value)}`,
        `e.g. --${flag} 100, or --${flag} unlimited`,
      );
    }
  }
  const allow = values[ALLOW_CODE_GENERATION_FLAG];
  if (typeof allow === "string") {
    if (allow !== "true" && allow !== "false") {
      throw new CliError(
        `--${ALLOW_CODE_GENERATION_FLAG} must be true or false, got ${JSON.stringify(allow)}`,
        `e.g. --${ALLOW_CODE_GENERATION_FLAG} false`,
      );
    }
    patch.allowCodeGeneration = allow === "true";
  }
  return patch;
}

/** A table of each quota's limit and, where measured, what the tenant uses of it. */
export function quotaTable(quotas: TenantQuotas, usage?: TenantUsage): string {
  const rows = COUNT_QUOTAS.map(({ field, used }) => {
    const limit = quotas[field];
    const cells = [field, limit === null ? "unlimited" : String(limit)];
    if (usage !== undefined) cells.push(used === undefined ? "-" : String(usage[used]));
    return cells;
  });
  const allow = [
    "allowCodeGeneration",
    String(quotas.allowCodeGeneration),
    ...(usage === undefined ? [] : ["-"]),
  ];
  return formatTable(usage === undefined ? ["QUOTA", "LIMIT"] : ["QUOTA", "LIMIT", "USED"], [...rows, allow]);
}
