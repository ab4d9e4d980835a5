export { EventWindow } from "./event-window.js";
export { StoredBytesGuard } from "./stored-bytes-guard.js";
export { type LiveUsage, TenantLimiter, type TenantLimiterOptions } from "./tenant-limiter.js";
export { TokenBucket } from "./token-bucket.js";
