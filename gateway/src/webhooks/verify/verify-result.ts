// What a webhook signature check is given and what it answers: a verdict with a reason code, never an exception.
import type { WebhookProvider } from "@skiff/storage";

export type VerifyFailure =
  | "missing_signature"
  | "malformed_signature"
  | "signature_mismatch"
  | "timestamp_expired"
  | "missing_timestamp";

export type VerifyResult =
  | { ok: true; providerDeliveryId: string | null; eventType: string | null }
  | { ok: false; reason: VerifyFailure };

export interface VerifyInput {
  provider: WebhookProvider;
  secret: string;
  headers: Headers;
  /** The raw body bytes exactly as received: every scheme signs these, not a re-serialization. */
  body: Uint8Array;
  /** Epoch milliseconds. */
  now: number;
  /** How far a signed timestamp may be from `now`, either way (Stripe, Slack, Standard Webhooks). */
  toleranceSeconds: number;
  /** For `hmac-sha256`: the header carrying the signature; null means `x-signature`. */
  signatureHeader: string | null;
}

/** One scheme's check. */
export type Verifier = (input: VerifyInput) => VerifyResult | Promise<VerifyResult>;

export function fail(reason: VerifyFailure): VerifyResult {
  return { ok: false, reason };
}
