// An undici client that can only connect to addresses the egress policy already checked. The socket is
// opened with a `lookup` that answers with those addresses whatever name it is asked about, so the URL's
// hostname still drives the Host header and TLS (SNI and certificate checks), but DNS is not consulted again.
import type { LookupAddress, LookupOptions } from "node:dns";
import { isIPv6 } from "node:net";
import { Client } from "undici";

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

function pinnedLookup(addresses: readonly string[]) {
  const answers: LookupAddress[] = addresses.map((address) => ({ address, family: isIPv6(address) ? 6 : 4 }));
  return (_hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    const first = answers[0];
    if (options.all === true) callback(null, answers.slice());
    else if (first !== undefined) callback(null, first.address, first.family);
    else callback(Object.assign(new Error("no vetted address"), { code: "ENOTFOUND" }), []);
  };
}

/**
 * A one-request client for `origin` whose connection goes to one of `addresses` (Node tries them in turn,
 * happy-eyeballs style). The caller destroys it when the exchange is over.
 */
export function pinnedClient(
  origin: string,
  addresses: readonly string[],
  options: { timeoutMs: number },
): Client {
  return new Client(origin, {
    connect: { lookup: pinnedLookup(addresses), timeout: options.timeoutMs },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    pipelining: 1,
  });
}
