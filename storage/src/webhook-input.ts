// What a webhook endpoint may be created with: checked once here, so the table holds only usable endpoints.
import { SkiffError } from "@skiff/core";
import type { CreateWebhookInput, WebhookProvider } from "./types.js";

export const WEBHOOK_PROVIDERS: readonly WebhookProvider[] = [
  "github",
  "stripe",
  "slack",
  "standard",
  "hmac-sha256",
];

/** Stripe's, Slack's and Standard Webhooks' own default: five minutes either side of the receiver's clock. */
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;
/** Beyond a day a timestamp no longer limits replays in any useful way. */
export const MAX_WEBHOOK_TOLERANCE_SECONDS = 86_400;
/** The header a generic `hmac-sha256` endpoint reads when none is configured. */
export const DEFAULT_HMAC_SIGNATURE_HEADER = "x-signature";
export const MAX_WEBHOOK_SECRET_LENGTH = 4096;

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;
/** A Standard Webhooks secret: base64 key bytes, usually behind a `whsec_` prefix. */
const STANDARD_SECRET = /^(whsec_)?[A-Za-z0-9+/]+={0,2}$/;

export interface NormalizedWebhookInput {
  provider: WebhookProvider;
  secret: string;
  mode: "async" | "sync";
  /** Lower-case; only for `hmac-sha256`, where it defaults to `x-signature`. */
  signatureHeader: string | null;
  toleranceSeconds: number;
}

/** Checks and completes a create request; throws `INVALID_REQUEST` naming what to change. */
export function normalizeWebhookInput(input: CreateWebhookInput): NormalizedWebhookInput {
  const { provider, secret, mode } = input;
  if (!WEBHOOK_PROVIDERS.includes(provider)) {
    throw new SkiffError(
      "INVALID_REQUEST",
      `webhook provider must be one of ${WEBHOOK_PROVIDERS.join(", ")}, not ${JSON.stringify(provider)}`,
    );
  }
  if (mode !== "async" && mode !== "sync") {
    throw new SkiffError(
      "INVALID_REQUEST",
      `webhook mode must be "async" or "sync", not ${JSON.stringify(mode)}`,
    );
  }
  if (typeof secret !== "string" || secret.length === 0 || secret.length > MAX_WEBHOOK_SECRET_LENGTH) {
    throw new SkiffError(
      "INVALID_REQUEST",
      `a webhook secret is a non-empty string of at most ${MAX_WEBHOOK_SECRET_LENGTH} characters`,
    );
  }
  if (provider === "standard" && !STANDARD_SECRET.test(secret)) {
    throw new SkiffError(
      "INVALID_REQUEST",
      'a Standard Webhooks secret is "whsec_" followed by base64, as the sender shows it',
    );
  }
  const toleranceSeconds = input.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS;
  if (
    !Number.isSafeInteger(toleranceSeconds) ||
    toleranceSeconds < 1 ||
    toleranceSeconds > MAX_WEBHOOK_TOLERANCE_SECONDS
  ) {
    throw new SkiffError(
      "INVALID_REQUEST",
      `toleranceSeconds must be a whole number from 1 to ${MAX_WEBHOOK_TOLERANCE_SECONDS}, not ${toleranceSeconds}`,
    );
  }
  let signatureHeader: string | null = null;
  if (provider === "hmac-sha256") {
    signatureHeader = input.signatureHeader ?? DEFAULT_HMAC_SIGNATURE_HEADER;
    if (typeof signatureHeader !== "string" || !HEADER_NAME.test(signatureHeader)) {
      throw new SkiffError(
        "INVALID_REQUEST",
        `signatureHeader must be an HTTP header name, not ${JSON.stringify(signatureHeader)}`,
      );
    }
    signatureHeader = signatureHeader.toLowerCase();
  } else if (input.signatureHeader !== undefined) {
    throw new SkiffError(
      "INVALID_REQUEST",
      `signatureHeader applies only to hmac-sha256 endpoints; ${provider} signatures have a fixed header`,
    );
  }
  return { provider, secret, mode, signatureHeader, toleranceSeconds };
}
