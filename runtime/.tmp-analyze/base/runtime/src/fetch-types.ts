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
  /** Subrequests per invocation (DESIGN §5: 50). */
  maxSubrequests: number;
  /** Largest response body a subrequest may read, bytes. */
  maxResponseBytes: number;
  /** Per-subrequest timeout, ms (also bounded by the invocation's own deadline). */
  timeoutMs: number;
  /** The platform's own listening addresses ("127.0.0.1:8787"), always refused unless allowed explicitly. */
  platformAddresses: string[];
}
