// Random identifiers and secrets; all from the platform CSPRNG.
import { createHash, randomBytes, randomUUID } from "node:crypto";

/** A new invocation or version id (UUID v4). */
export function newId(): string {
  return randomUUID();
}

/** A new API key: a recognisable prefix and 32 random bytes, base64url. */
export function newApiKey(): string {
  return `sk_${randomBytes(32).toString("base64url")}`;
}

/** The SHA-256 hex digest of a string or bytes; API keys are stored only as this. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}
