export { DEFAULT_SIGNATURE_HEADER } from "./hmac-sha256.js";
export type { VerifyFailure, VerifyInput, VerifyResult } from "./verify-result.js";
export { verifyWebhook } from "./verify-webhook.js";
