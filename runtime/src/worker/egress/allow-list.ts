// Entries that let a fetch reach an address the egress policy refuses by default: the operator's list and a
// function's `config.allowedHosts`. An entry is one of
//   hostname          "api.internal"            that host on any port, whatever it resolves to
//   hostname:port     "api.internal:8443"
//   IP                "10.1.2.3", "::1"         that address on any port (IPv4 also matches ::ffff:10.1.2.3)
//   IP:port           "10.1.2.3:8080", "[::1]:8080"
//   CIDR              "10.0.0.0/8", "fc00::/7"  any address in the range, any port
// Wildcards are not supported: a hostname entry names exactly one host. Entries are validated when they are
// set (the deploy API calls `validateAllowedHosts`), so a typo is a 400 at deploy, not a silent refusal later.
import { domainToASCII } from "node:url";
import { SkiffError } from "@skiff/core";
import { canonicalAddress, type IpAddress, ipaddr, parseAddress, unmapped } from "./address-range.js";

export type AllowEntry =
  | { kind: "host"; text: string; hostname: string; port: number | undefined }
  | { kind: "ip"; text: string; address: string; port: number | undefined }
  | { kind: "cidr"; text: string; range: [IpAddress, number] };

/** Where a fetch goes: the URL's host (lowercase, no brackets), one address it resolved to, and the port. */
export interface Destination {
  hostname: string;
  address: string;
  port: number;
}

const ENTRY_FORMS =
  'an entry is a hostname ("api.example.com"), hostname:port, an IP ("10.0.0.5", "::1"), IP:port ' +
  '("10.0.0.5:8080", "[::1]:8080") or a CIDR range ("10.0.0.0/8")';

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
/** As in the URL standard: a host whose last label is a number is an IPv4 address, never a name. */
const NUMERIC_LABEL = /^(?:0x[0-9a-f]*|[0-9]+)$/i;

/** Lowercase ASCII without a trailing dot: how hostnames are compared. Empty when it is not a valid name. */
export function normalizeHostname(hostname: string): string {
  const ascii = domainToASCII(hostname.toLowerCase());
  return ascii.endsWith(".") ? ascii.slice(0, -1) : ascii;
}

function parsePort(text: string): number {
  const port = /^[0-9]{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) throw new Error(`"${text}" is not a port (1-65535)`);
  return port;
}

function parseIp(text: string, family?: "ipv6"): string {
  const address = text.includes("%") ? undefined : parseAddress(text);
  if (address === undefined || (family === "ipv6" && address.kind() !== "ipv6")) {
    throw new Error(`"${text}" is not a valid ${family === "ipv6" ? "IPv6" : "IP"} address`);
  }
  return canonicalAddress(address);
}

function parseCidr(text: string): [IpAddress, number] {
  const [address = "", prefix = "", ...rest] = text.split("/");
  const parsed = parseAddress(address);
  if (rest.length > 0 || parsed === undefined || address.includes("%") || !/^[0-9]{1,3}$/.test(prefix)) {
    throw new Error('not a CIDR range like "10.0.0.0/8" or "fc00::/7"');
  }
  const bits = Number(prefix);
  const max = parsed.kind() === "ipv4" ? 32 : 128;
  if (bits > max) throw new Error(`the prefix length is at most ${max}`);
  return [parsed, bits];
}

function parseHostOrIPv4(text: string, port: number | undefined, entry: string): AllowEntry {
  const lastLabel = text.replace(/\.$/, "").split(".").pop() ?? "";
  if (NUMERIC_LABEL.test(lastLabel)) {
    if (!ipaddr.IPv4.isValidFourPartDecimal(text)) {
      throw new Error(`"${text}" is not a valid IPv4 address (write four decimal parts, like 10.0.0.1)`);
    }
    return { kind: "ip", text: entry, address: canonicalAddress(ipaddr.IPv4.parse(text)), port };
  }
  if (text.includes("*")) throw new Error("wildcards are not supported; list each hostname");
  const hostname = normalizeHostname(text);
  if (hostname === "" || hostname.length > 253 || !hostname.split(".").every((label) => LABEL.test(label))) {
    throw new Error(`"${text}" is not a valid hostname`);
  }
  return { kind: "host", text: entry, hostname, port };
}

/** Parses one entry, throwing an `Error` that says what is wrong with it. */
export function parseAllowEntry(entry: string): AllowEntry {
  if (entry.length === 0 || entry.length > 255) throw new Error("an entry is 1 to 255 characters");
  if (/\s/.test(entry)) throw new Error("an entry has no spaces");
  if (entry.includes("/")) return { kind: "cidr", text: entry, range: parseCidr(entry) };
  if (entry.startsWith("[")) {
    const match = /^\[([^\]]+)\](?::([^:]*))?$/.exec(entry);
    if (match === null) throw new Error('write an IPv6 address with a port as "[::1]:8080"');
    const address = parseIp(match[1] ?? "", "ipv6");
    return {
      kind: "ip",
      text: entry,
      address,
      port: match[2] === undefined ? undefined : parsePort(match[2]),
    };
  }
  const colons = entry.split(":").length - 1;
  if (colons >= 2) return { kind: "ip", text: entry, address: parseIp(entry, "ipv6"), port: undefined };
  if (colons === 1) {
    const [host = "", port = ""] = entry.split(":");
    return parseHostOrIPv4(host, parsePort(port), entry);
  }
  return parseHostOrIPv4(entry, undefined, entry);
}

/**
 * Parses a whole list, naming every bad entry in one `INVALID_CONFIG` error (a 400 from the deploy API).
 * `label` names the list in the message ("allowedHosts", "the operator egress allow-list").
 */
export function parseAllowList(list: unknown, label: string): AllowEntry[] {
  if (!Array.isArray(list)) throw new SkiffError("INVALID_CONFIG", `${label} must be a list of strings`);
  const entries: AllowEntry[] = [];
  const problems: Array<{ path: string; message: string }> = [];
  list.forEach((entry: unknown, index) => {
    try {
      if (typeof entry !== "string") throw new Error("an entry is a string");
      entries.push(parseAllowEntry(entry));
    } catch (error) {
      const shown = typeof entry === "string" ? ` "${entry}"` : "";
      problems.push({
        path: `${label}[${index}]`,
        message: `${label}[${index}]${shown}: ${(error as Error).message}`,
      });
    }
  });
  if (problems.length > 0) {
    throw new SkiffError("INVALID_CONFIG", `${problems.map((p) => p.message).join("; ")} (${ENTRY_FORMS})`, {
      details: problems,
    });
  }
  return entries;
}

/**
 * Checks a function's `allowedHosts` before it is stored; throws `SkiffError("INVALID_CONFIG")` listing each
 * bad entry.
 *
 * @example
 * validateAllowedHosts(["api.internal:8443", "10.0.0.0/8"]); // fine
 * validateAllowedHosts(["10.0.0.0/33"]); // throws: allowedHosts[0] "10.0.0.0/33": the prefix length is at most 32 …
 */
export function validateAllowedHosts(list: unknown): void {
  parseAllowList(list, "allowedHosts");
}

/** Whether `entry` lets a fetch reach `destination` (whose hostname is already normalized). */
export function allowEntryMatches(entry: AllowEntry, destination: Destination): boolean {
  if (entry.kind === "host") {
    return (
      entry.hostname === destination.hostname && (entry.port === undefined || entry.port === destination.port)
    );
  }
  const parsed = parseAddress(destination.address);
  if (parsed === undefined) return false;
  if (entry.kind === "ip") {
    return (
      entry.address === canonicalAddress(parsed) &&
      (entry.port === undefined || entry.port === destination.port)
    );
  }
  const address = unmapped(parsed);
  const [network] = entry.range;
  return address.kind() === network.kind() && address.match(entry.range);
}
