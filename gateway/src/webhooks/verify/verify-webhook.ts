// Picks the endpoint's signature scheme; the one entry point the webhook receiver calls.
import { verifyGithub } from "./github.js";
import { verifyHmacSha256 } from "./hmac-sha256.js";
import { verifySlack } from "./slack.js";
import { verifyStandard } from "./standard.js";
import { verifyStripe } from "./stripe.js";
import type { Verifier, VerifyInput, VerifyResult } from "./verify-result.js";

const VERIFIERS: Record<VerifyInput["provider"], Verifier> = {
  github: verifyGithub,
  stripe: verifyStripe,
  slack: verifySlack,
  standard: verifyStandard,
  "hmac-sha256": verifyHmacSha256,
};

/**
 * Checks a received request's signature over its raw body with the endpoint's scheme, comparing in constant
 * time. Never throws for a bad request: the reason code says what was wrong.
 *
 * @example
 * const result = await verifyWebhook({ provider: "github", secret, headers: req.headers, body, now: Date.now(),
 *   toleranceSeconds: 300, signatureHeader: null });
 * if (!result.ok) return c.json({ reason: result.reason }, 401);
 */
export async function verifyWebhook(input: VerifyInput): Promise<VerifyResult> {
  const verifier = VERIFIERS[input.provider];
  if (verifier === undefined) throw new TypeError(`unknown webhook provider ${String(input.provider)}`);
  return verifier(input);
}
