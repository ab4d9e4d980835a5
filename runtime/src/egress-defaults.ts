// The egress policy a server starts with (DESIGN §5, §7): 50 subrequests, refused private and loopback
// ranges, bounded responses. Operators change it through the supervisor.
import type { EgressPolicy } from "./fetch-types.js";

export const DEFAULT_EGRESS_POLICY: EgressPolicy = {
  allow: [],
  functionAllowable: [],
  maxSubrequests: 50,
  maxResponseBytes: 32 * 1024 * 1024,
  timeoutMs: 30_000,
  platformAddresses: [],
};
