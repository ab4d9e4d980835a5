// `skiff quota get`: a tenant's quotas and what it uses of them.
import { defineCommand } from "../../command.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";
import { quotaTable } from "./quota-fields.js";

export const quotaGetCommand = defineCommand({
  name: "quota get",
  summary: "Show a tenant's quotas and usage",
  usage: "skiff quota get [tenant] [options]",
  description:
    "Shows each quota the operator set (unlimited when none) next to what the tenant uses now: functions,\n" +
    "isolate memory and invocations running, stored bytes, async events in the last minute. A tenant's own\n" +
    "keys may read its quotas; only the operator key may change them (skiff quota set).",
  positionals: [{ name: "tenant", description: "the tenant (default: --tenant)", required: false }],
  options: { ...clientOptions },
  examples: [
    { description: "the default tenant's quotas", command: "skiff quota get" },
    { description: "another tenant's, as JSON", command: "skiff quota get acme --json" },
  ],
  async run({ values, positionals, context }) {
    const tenant = positionals[0] ?? values.tenant;
    return withClient(context, values.url, async (client) => {
      const { quotas, usage } = await client.getQuotas(tenant);
      context.stdout(
        values.json
          ? `${JSON.stringify({ tenant, quotas, usage })}\n`
          : `Quotas of tenant ${tenant}:\n${quotaTable(quotas, usage)}`,
      );
      return 0;
    });
  },
});
