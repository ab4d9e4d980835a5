// What kind of IP address a destination is, for the egress policy (DESIGN §7). Only globally routable
// unicast is "public"; everything else (loopback, private, link-local and cloud metadata, CGNAT, multicast,
// reserved and documentation ranges) is refused by default. IPv6 forms that carry an IPv4 address
// (IPv4-mapped `::ffff:a.b.c.d`, IPv4-translated, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged by the
// IPv4 address inside them, because that is what the packets reach. Outside 2000::/3 no IPv6 address is
// global unicast, so those are refused without listing every range.
import { createRequire } from "node:module";
import type { IPv4, IPv6 } from "ipaddr.js";

// ipaddr.js is CommonJS typed with `export =`; the base tsconfig has no esModuleInterop, so it is required.
type Ipaddr = typeof import("ipaddr.js", { with: { "resolution-mode": "require" }});
export const ipaddr = createRequire(import.meta.url)("ipaddr.js") as Ipaddr;

export type IpAddress = IPv4 | IPv6;

export type AddressClass = { public: true } | { public: false; reason: string };

const PUBLIC: AddressClass = { public: true };

/** Cloud metadata endpoints (AWS/GCP/Azure/OpenStack, AWS over IPv6, Alibaba): named in the refusal. */
const METADATA = new Set(["169.254.169.254", "fd00:ec2::254", "100.100.100.200"]);

const IPV4_REASONS: Record<string, string> = {
  unspecified: "unspecified address (0.0.0.0/8 reaches this host)",
  broadcast: "broadcast address",
  multicast: "multicast address",
  linkLocal: "link-local address",
  loopback: "loopback address",
  carrierGradeNat: "carrier-grade NAT address (100.64.0.0/10)",
  private: "private address",
  reserved: "reserved address",
  benchmarking: "reserved address",
};

/** IPv4 ranges ipaddr.js names that are still globally routable anycast services. */
const IPV4_PUBLIC = new Set(["unicast", "as112", "amt"]);

const IPV6_REASONS: Record<string, string> = {
  unspecified: "unspecified address (:: reaches this host)",
  loopback: "loopback address",
  linkLocal: "link-local address",
  multicast: "multicast address",
  uniqueLocal: "private address (unique local, fc00::/7)",
  deprecatedSiteLocal: "site-local address",
  teredo: "Teredo tunnel address",
};

/** Ranges inside 2000::/3 that are global unicast in practice. */
const IPV6_PUBLIC = new Set(["unicast", "amt", "as112v6"]);

const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR("2000::/3");
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR("64:ff9b::/96");
const NAT64_LOCAL_USE = ipaddr.IPv6.parseCIDR("64:ff9b:1::/48");

/**
 * Parses an address as it comes from DNS or a URL host (no brackets; an IPv6 zone is dropped). IPv4 must be
 * four decimal parts: shorthand forms like `127.1` are refused rather than guessed at.
 */
export function parseAddress(address: string): IpAddress | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(address)) return ipaddr.IPv4.parse(address);
  if (!address.includes(":")) return undefined;
  // ipaddr.js reads "::a.b.c.d" (IPv4-compatible, which glibc's inet_ntop prints) as IPv4-mapped; the URL
  // standard's IPv6 parser reads it as what it is, ::xxxx:xxxx, so text goes through it first.
  let hex: string;
  try {
    hex = new URL(`http://[${address.split("%")[0]}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
  return ipaddr.IPv6.isValid(hex) ? ipaddr.IPv6.parse(hex) : undefined;
}

/** The IPv4 address an IPv6 address reaches through a translation mechanism, if it has one. */
export function embeddedIPv4(address: IPv6): { ipv4: IPv4; form: string } | undefined {
  const range = address.range();
  const last32 = () => new ipaddr.IPv4(address.toByteArray().slice(12, 16));
  if (range === "ipv4Mapped") return { ipv4: address.toIPv4Address(), form: "IPv4-mapped" };
  if (range === "rfc6145") return { ipv4: last32(), form: "IPv4-translated" };
  if (address.match(NAT64_WELL_KNOWN)) return { ipv4: last32(), form: "NAT64" };
  if (range === "6to4") return { ipv4: new ipaddr.IPv4(address.toByteArray().slice(2, 6)), form: "6to4" };
  return undefined;
}

function refused(reason: string, address: string): AddressClass {
  return { public: false, reason: METADATA.has(address) ? `${reason} (cloud metadata endpoint)` : reason };
}

function classifyIPv4(address: IPv4): AddressClass {
  const range = address.range();
  if (IPV4_PUBLIC.has(range)) return PUBLIC;
  return refused(IPV4_REASONS[range] ?? "reserved address", address.toString());
}

function classifyIPv6(address: IPv6): AddressClass {
  const embedded = embeddedIPv4(address);
  if (embedded !== undefined) {
    const inner = classifyIPv4(embedded.ipv4);
    if (inner.public) return PUBLIC;
    return { public: false, reason: `${inner.reason}, as ${embedded.form} IPv6` };
  }
  const text = new ipaddr.IPv6(address.parts).toString();
  if (address.match(NAT64_LOCAL_USE)) return refused("local-use NAT64 address (64:ff9b:1::/48)", text);
  const range = address.range();
  const reason = IPV6_REASONS[range];
  if (reason !== undefined) return refused(reason, text);
  if (!address.match(GLOBAL_UNICAST)) return refused("reserved address (not global unicast)", text);
  if (IPV6_PUBLIC.has(range)) return PUBLIC;
  return refused("reserved address", text);
}

/**
 * Whether `address` (as DNS or a URL gives it, without brackets; an IPv6 zone is ignored) is public.
 *
 * @example
 * classifyAddress("::ffff:127.0.0.1") // { public: false, reason: "loopback address, as IPv4-mapped IPv6" }
 */
export function classifyAddress(address: string): AddressClass {
  const parsed = parseAddress(address);
  if (parsed === undefined) return { public: false, reason: "not a valid IP address" };
  return parsed.kind() === "ipv4" ? classifyIPv4(parsed as IPv4) : classifyIPv6(parsed as IPv6);
}

/**
 * One spelling per address, for comparing a destination with allow-list and platform entries: IPv4-mapped
 * IPv6 becomes the IPv4 address it reaches, IPv6 is written in full without a zone.
 */
export function canonicalAddress(address: IpAddress): string {
  if (address.kind() === "ipv4") return address.toString();
  const v6 = address as IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  return new ipaddr.IPv6(v6.parts).toNormalizedString();
}

/** The address without IPv4-mapping, so an IPv4 range matches `::ffff:a.b.c.d` too. */
export function unmapped(address: IpAddress): IpAddress {
  if (address.kind() === "ipv6" && (address as IPv6).isIPv4MappedAddress()) {
    return (address as IPv6).toIPv4Address();
  }
  return address;
}
