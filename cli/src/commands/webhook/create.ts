// `skiff webhook create`: a verified webhook receiver for a function, at a public /hooks/<id> URL.
import type { WebhookProviderName } from "../../api-client.js";
import { CliError } from "../../cli-error.js";
import { defineCommand } from "../../command.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";

const PROVIDERS: readonly WebhookProviderName[] = ["github", "stripe", "slack", "standard", "hmac-sha256"];

export const webhookCreateCommand = defineCommand({
  name: "webhook create",
  summary: "Create a webhook receiver for a function",
  usage: "skiff webhook create <function> --provider <p> --secret <s> [--mode sync] [options]",
  description:
    "Requests to the printed URL are checked against the provider's signature scheme before the function\n" +
    "sees them. Providers: github, stripe, slack, standard (Standard Webhooks, whsec_ secret), hmac-sha256\n" +
    "(header x-signature, or --signature-header). Async mode (default) answers 202 once the delivery is stored and delivers it\n" +
    "through the queue with retries; sync mode answers with the function's own response.",
  positionals: [{ name: "function", description: "the function that receives the webhooks", required: true }],
  options: {
    provider: { type: "string", placeholder: "<provider>", description: `one of ${PROVIDERS.join(", ")}` },
    secret: { type: "string", placeholder: "<secret>", description: "the signing secret the sender uses" },
    mode: { type: "string", default: "async", placeholder: "<async|sync>", description: "delivery mode" },
    "signature-header": {
      type: "string",
      placeholder: "<header>",
      description: "for hmac-sha256: the header carrying the hex signature (default x-signature)",
    },
    tolerance: {
      type: "string",
      placeholder: "<seconds>",
      description: "timestamp tolerance of stripe, slack and standard (default 300)",
    },
    ...clientOptions,
  },
  examples: [
    {
      description: "receive GitHub webhooks",
      command: 'skiff webhook create deploy-bot --provider github --secret "$GITHUB_WEBHOOK_SECRET"',
    },
    {
      description: "answer Slack's URL challenge with the function's response",
      command: 'skiff webhook create slack-bot --provider slack --secret "$SLACK_SIGNING_SECRET" --mode sync',
    },
  ],
  async run({ values, positionals, context }) {
    const name = positionals[0] as string;
    const provider = values.provider as WebhookProviderName | undefined;
    if (provider === undefined || !PROVIDERS.includes(provider)) {
      throw new CliError(
        provider === undefined ? "missing --provider" : `unknown provider ${provider}`,
        `give --provider with one of: ${PROVIDERS.join(", ")}`,
      );
    }
    if (values.secret === undefined || values.secret === "") {
      throw new CliError("missing --secret", "give the signing secret the sender was configured with");
    }
    if (values.mode !== "async" && values.mode !== "sync") {
      throw new CliError(`unknown mode ${values.mode}`, "use --mode async (the default) or --mode sync");
    }
    const tolerance = values.tolerance;
    if (tolerance !== undefined && !/^\d+$/.test(tolerance)) {
      throw new CliError(`--tolerance ${tolerance} is not a number of seconds`, "e.g. --tolerance 300");
    }
    return withClient(context, values.url, async (client) => {
      const webhook = await client.createWebhook(values.tenant, name, {
        provider,
        secret: values.secret as string,
        mode: values.mode as "async" | "sync",
        ...(values["signature-header"] === undefined ? {} : { signatureHeader: values["signature-header"] }),
        ...(tolerance === undefined ? {} : { toleranceSeconds: Number(tolerance) }),
      });
      context.stdout(
        values.json
          ? `${JSON.stringify(webhook)}\n`
          : `Created ${webhook.provider} webhook ${webhook.id} (${webhook.mode}) for ${name}.\n` +
              `  Point the sender at: ${webhook.url}\n`,
      );
      return 0;
    });
  },
});
