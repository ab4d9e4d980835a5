// Resolves a fetch's host to the addresses the policy will check and the connection will be pinned to. The
// lookup happens once per hop, here: the socket never resolves the name again, so a second DNS answer
// (rebinding) cannot change where it connects.
import type { LookupAddress } from "node:dns";
import { isIP } from "node:net";
import { EgressError } from "./egress-error.js";

/** The shape of `dns.lookup` with `{ all: true }`, which `dns.lookup` itself satisfies. */
export type LookupAll = (
  hostname: string,
  options: { all: true; verbatim?: boolean },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * Every address `hostname` resolves to (an IP literal is its own answer), in resolver order, without
 * duplicates. Rejects with `signal.reason` when the signal aborts first; the lookup itself cannot be stopped.
 */
export function resolveHost(hostname: string, lookup: LookupAll, signal: AbortSignal): Promise<string[]> {
  if (isIP(hostname) !== 0) return Promise.resolve([hostname]);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    const done = (error: unknown, addresses?: string[]) => {
      signal.removeEventListener("abort", onAbort);
      if (error === undefined && addresses !== undefined) resolve(addresses);
      else reject(error);
    };
    try {
      lookup(hostname, { all: true, verbatim: true }, (error, results) => {
        if (error !== null) {
          const code = typeof error.code === "string" ? ` (${error.code})` : "";
          return done(
            new EgressError("NETWORK_ERROR", `could not resolve "${hostname}"${code}`, { cause: error }),
          );
        }
        const addresses = Array.isArray(results)
          ? results.map((r) => r?.address).filter((a): a is string => typeof a === "string" && isIP(a) !== 0)
          : [];
        if (addresses.length === 0) {
          return done(new EgressError("NETWORK_ERROR", `could not resolve "${hostname}" (no addresses)`));
        }
        done(undefined, [...new Set(addresses)]);
      });
    } catch (error) {
      done(new EgressError("NETWORK_ERROR", `could not resolve "${hostname}"`, { cause: error }));
    }
  });
}
