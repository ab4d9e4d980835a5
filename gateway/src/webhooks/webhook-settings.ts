// Defaults of webhook receivers.

/** Largest webhook body accepted and stored (413 above). */
export const WEBHOOK_BODY_BYTES = 1024 * 1024;
/** How long a provider's delivery id is remembered: a second request with it is acknowledged, not delivered. */
export const WEBHOOK_DEDUPE_WINDOW_MS = 24 * 60 * 60 * 1000;
