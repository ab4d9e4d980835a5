// Plain shapes of an outbound fetch as it crosses from the isolate to the host and back (DESIGN §7).

export interface PlainFetchRequest {
  url: string;
  method: string;
  /** Lowercase names, in order. */
  headers: Array<[string, string]>;
  body: Uint8Array | null;
  redirect: "follow" | "manual" | "error";
}

export interface PlainFetchResponse {
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  body: Uint8Array;
  /** The final URL after redirects. */
  url: string;
  redirected: boolean;
}

/** Operator-wide egress settings; per-function `allowedHosts` adds to them. */
export interface EgressPolicy {
  /** Hosts, IPs or CIDRs the operator allows even when private or loopback (e.g. "127.0.0.1:8080", "10.0.0.0/8"). */
  allow: string[];
  /**
   * What a function's own `allowedHosts` may open among the addresses refused by default (CIDRs, IPs, hosts).
   * Empty by default: tenants choose their config, so on a shared platform only the operator decides which
   * private networks a tenant may reach; `allowedHosts` then opens, per function, only within this set.
   */
  functionAllowable?: string[];
  /** Subrequests per invocation (DESIGN §5: 50). */
  maxSubrequests: number;
  /** Largest response body a subrequest may read, bytes (after decompression too). */
  maxResponseBytes: number;
  /** Largest request body a subrequest may send, bytes; defaults to the sync request body limit (6 MB). */
  maxRequestBytes?: number;
  /** Timeout of one fetch call, redirects included, ms (also bounded by the invocation's own deadline). */
  timeoutMs: number;
  /**
   * The platform's own listening addresses ("127.0.0.1:8787", "[::1]:8787"; "0.0.0.0:8787" for a wildcard
   * listener), refused even when loopback is allowed, unless the operator's `allow` lists the exact "IP:port".
   */
  platformAddresses: string[];
}
