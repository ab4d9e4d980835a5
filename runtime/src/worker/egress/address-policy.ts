// Decides whether one resolved address may be connected to (DESIGN §7). The rules, in order:
//  1. The platform's own listening addresses (`platformAddresses`, "IP:port") are refused, even when a broader
//     entry (a CIDR, a bare IP, a hostname, or anything in a function's allowedHosts) would allow them: a
//     function must not reach the control plane through the back door. Only an operator allow-list entry
//     naming the destination exactly as "IP:port" lets it through. A wildcard listener ("0.0.0.0:8787",
//     "[::]:8787") covers that port on loopback, on the unspecified address and on every local interface.
//  2. A public address (see address-range.ts) is allowed.
//  3. Any other address is allowed only when an entry of the operator allow-list matches it, or an entry of the
//     function's allowedHosts matches it AND the operator lets functions open it (`functionAllowable`, empty by
//     default: a tenant writes its own config, so it must not be able to open the platform's networks alone).
//     Otherwise it is refused with the reason.
// Every address a hostname resolves to is checked, and one refused address refuses the fetch: connecting to
// "the allowed one" would let a DNS answer that mixes public and private addresses pick the target.
import { networkInterfaces } from "node:os";
import { SkiffError } from "@skiff/core";
import {
  canonicalAddress,
  classifyAddress,
  type IpAddress,
  parseAddress,
  unmapped,
} from "./address-range.js";
import { type AllowEntry, allowEntryMatches, type Destination, parseAllowList } from "./allow-list.js";

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string; hint: string };

export interface AddressPolicyOptions {
  /** The operator allow-list (entries as in allow-list.ts). */
  allow: readonly string[];
  /** What a function's allowedHosts may open (entries as in allow-list.ts); default none. */
  functionAllowable?: readonly string[];
  /** Where the platform itself listens, "IP:port" or "[IPv6]:port". */
  platformAddresses: readonly string[];
  /** This host's interface addresses, for wildcard platform listeners; defaults to os.networkInterfaces(). */
  localAddresses?: readonly string[];
}

interface PlatformAddress {
  address: IpAddress;
  canonical: string;
  port: number;
}

const ALLOW_HINT = "allow it with allowedHosts or the operator allow-list";

function isWildcard(address: IpAddress): boolean {
  return address.range() === "unspecified";
}

function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((info) => info.address));
}

export class AddressPolicy {
  readonly #operator: AllowEntry[];
  readonly #functionAllowable: AllowEntry[];
  readonly #platform: PlatformAddress[];
  readonly #local: Set<string>;

  /** Throws `SkiffError("INVALID_CONFIG")` for a bad operator entry or platform address. */
  constructor(options: AddressPolicyOptions) {
    this.#operator = parseAllowList(options.allow, "the operator egress allow-list");
    this.#functionAllowable = parseAllowList(options.functionAllowable ?? [], "functionAllowable");
    this.#platform = parseAllowList(options.platformAddresses, "platformAddresses").map((entry) => {
      if (entry.kind !== "ip" || entry.port === undefined) {
        throw new SkiffError(
          "INVALID_CONFIG",
          `platformAddresses: "${entry.text}" must be an IP and a port, like "127.0.0.1:8787" or "[::1]:8787"`,
        );
      }
      const address = parseAddress(entry.address) as IpAddress;
      return { address: unmapped(address), canonical: entry.address, port: entry.port };
    });
    this.#local = new Set(
      (options.localAddresses ?? interfaceAddresses()).flatMap((text) => {
        const parsed = parseAddress(text.split("%")[0] ?? "");
        return parsed === undefined ? [] : [canonicalAddress(parsed)];
      }),
    );
  }

  /**
   * Whether `destination` may be reached. `functionAllow` is the function's parsed allowedHosts.
   *
   * @example
   * policy.check({ hostname: "127.0.0.1", address: "127.0.0.1", port: 8080 }, [])
   * // { allowed: false, reason: "loopback address", hint: "allow it with allowedHosts or the operator allow-list" }
   */
  check(destination: Destination, functionAllow: readonly AllowEntry[]): AddressVerdict {
    const parsed = parseAddress(destination.address);
    if (parsed === undefined) return { allowed: false, reason: "not a valid IP address", hint: "" };
    const canonical = canonicalAddress(parsed);
    if (this.#isPlatform(unmapped(parsed), canonical, destination.port)) {
      const exact = this.#operator.some(
        (entry) => entry.kind === "ip" && entry.address === canonical && entry.port === destination.port,
      );
      if (exact) return { allowed: true };
      const spelled = canonical.includes(":") ? `[${destination.address.split("%")[0]}]` : canonical;
      return {
        allowed: false,
        reason: "the platform's own address",
        hint: `only the exact entry "${spelled}:${destination.port}" in the operator allow-list allows it`,
      };
    }
    const kind = classifyAddress(destination.address);
    if (kind.public) return { allowed: true };
    const listed = (entry: AllowEntry) => allowEntryMatches(entry, destination);
    if (this.#operator.some(listed)) return { allowed: true };
    if (functionAllow.some(listed)) {
      if (this.#functionAllowable.some(listed)) return { allowed: true };
      return {
        allowed: false,
        reason: kind.reason,
        hint: "the function's allowedHosts lists it, but the operator does not let functions open this address",
      };
    }
    return { allowed: false, reason: kind.reason, hint: ALLOW_HINT };
  }

  #isPlatform(address: IpAddress, canonical: string, port: number): boolean {
    // Both the unspecified address and loopback reach a listener on this host.
    const thisHost = (a: IpAddress, text: string) =>
      isWildcard(a) || a.range() === "loopback" || this.#local.has(text);
    return this.#platform.some((platform) => {
      if (platform.port !== port) return false;
      if (platform.canonical === canonical) return true;
      if (isWildcard(platform.address)) return thisHost(address, canonical);
      return isWildcard(address) && thisHost(platform.address, platform.canonical);
    });
  }
}
