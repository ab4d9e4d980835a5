// GitHub: `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 of the body under the secret, no timestamp.
import { verify } from "@octokit/webhooks-methods";
import { providerField, utf8Text } from "./signature.js";
import { fail, type VerifyInput, type VerifyResult } from "./verify-result.js";

const SIGNATURE = /^sha256=[0-9a-fA-F]{64}$/;

/**
 * Checks with GitHub's own library (`@octokit/webhooks-methods`), which signs the body as a string: GitHub's
 * bodies are JSON or URL-encoded forms, always UTF-8, so a body that is empty or not UTF-8 was not signed by it.
 */
export async function verifyGithub(input: VerifyInput): Promise<VerifyResult> {
  const signature = input.headers.get("x-hub-signature-256");
  if (signature === null) return fail("missing_signature");
  const trimmed = signature.trim();
  if (!SIGNATURE.test(trimmed)) return fail("malformed_signature");
  const text = utf8Text(input.body);
  if (text === undefined || text.length === 0) return fail("signature_mismatch");
  // The library compares the strings as given: GitHub writes lower-case hex, a proxy might not.
  if (!(await verify(input.secret, text, trimmed.toLowerCase()))) return fail("signature_mismatch");
  return {
    ok: true,
    providerDeliveryId: providerField(input.headers.get("x-github-delivery")),
    eventType: providerField(input.headers.get("x-github-event")),
  };
}
