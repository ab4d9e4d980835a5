// `skiff quota set`: the operator changes some of a tenant's quotas; the others keep their values.
import { CliError } from "../../cli-error.js";
import { defineCommand } from "../../command.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";
import { quotaOptions, quotaPatch, quotaTable } from "./quota-fields.js";

export const quotaSetCommand = defineCommand({
  name: "quota set",
  summary: "Change a tenant's quotas (operator)",
  usage: "skiff quota set [tenant] --<quota> <n|unlimited> … [options]",
  description:
    'Changes only the quotas given; "unlimited" removes a limit. Needs the operator key (SKIFF_TOKEN set to\n' +
    "SKIFF_ADMIN_TOKEN). Takes effect at once: over requests-per-second or async-events-per-minute the tenant\n" +
    "gets 429 RATE_LIMITED with Retry-After; over a concurrency quota 429 TOO_MANY_REQUESTS; a new function or a\n" +
    "write past max-functions or max-stored-bytes 403 QUOTA_EXCEEDED. Changing allow-code-generation restarts\n" +
    "the tenant's warm isolates.",
  positionals: [{ name: "tenant", description: "the tenant (default: --tenant)", required: false }],
  options: { ...quotaOptions, ...clientOptions },
  examples: [
    {
      description: "10 requests per second with bursts of 20",
      command: "skiff quota set acme --requests-per-second 10 --burst 20",
    },
    {
      description: "at most 50 functions and 1 GB stored",
      command: "skiff quota set acme --max-functions 50 --max-stored-bytes 1000000000",
    },
    {
      description: "lift the request rate limit",
      command: "skiff quota set acme --requests-per-second unlimited",
    },
    {
      description: "forbid eval and new Function",
      command: "skiff quota set acme --allow-code-generation false",
    },
  ],
  async run({ values, positionals, context }) {
    const tenant = positionals[0] ?? values.tenant;
    const patch = quotaPatch(values as Record<string, unknown>);
    if (Object.keys(patch).length === 0) {
      throw new CliError(
        "give at least one quota to change",
        "e.g. skiff quota set acme --requests-per-second 10 (see skiff quota set --help)",
      );
    }
    return withClient(context, values.url, async (client) => {
      const quotas = await client.setQuotas(tenant, patch);
      context.stdout(
        values.json
          ? `${JSON.stringify({ tenant, quotas })}\n`
          : `Quotas of tenant ${tenant} are now:\n${quotaTable(quotas)}`,
      );
      return 0;
    });
  },
});
