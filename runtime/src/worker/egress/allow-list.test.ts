import { isSkiffError } from "@skiff/core";
import { describe, expect, it } from "vitest";
import { allowEntryMatches, parseAllowEntry, parseAllowList, validateAllowedHosts } from "./allow-list.js";

const to = (hostname: string, address: string, port: number) => ({ hostname, address, port });

describe("parseAllowEntry", () => {
  it("reads every supported form", () => {
    expect(parseAllowEntry("API.Internal.")).toEqual({
      kind: "host",
      text: "API.Internal.",
      hostname: "api.internal",
      port: undefined,
    });
    expect(parseAllowEntry("api.internal:8443")).toMatchObject({
      kind: "host",
      hostname: "api.internal",
      port: 8443,
    });
    expect(parseAllowEntry("bücher.de")).toMatchObject({ kind: "host", hostname: "xn--bcher-kva.de" });
    expect(parseAllowEntry("10.1.2.3")).toMatchObject({ kind: "ip", address: "10.1.2.3", port: undefined });
    expect(parseAllowEntry("10.1.2.3:8080")).toMatchObject({ kind: "ip", address: "10.1.2.3", port: 8080 });
    expect(parseAllowEntry("::1")).toMatchObject({ kind: "ip", address: "0:0:0:0:0:0:0:1", port: undefined });
    expect(parseAllowEntry("[::1]:8080")).toMatchObject({
      kind: "ip",
      address: "0:0:0:0:0:0:0:1",
      port: 8080,
    });
    expect(parseAllowEntry("[::1]")).toMatchObject({ kind: "ip", port: undefined });
    expect(parseAllowEntry("::ffff:127.0.0.1")).toMatchObject({ kind: "ip", address: "127.0.0.1" });
    expect(parseAllowEntry("10.0.0.0/8")).toMatchObject({ kind: "cidr" });
    expect(parseAllowEntry("fc00::/7")).toMatchObject({ kind: "cidr" });
  });

  it.each([
    ["", "1 to 255 characters"],
    ["a b", "no spaces"],
    ["*.example.com", "wildcards are not supported"],
    ["exa!mple.com", "is not a valid hostname"],
    ["-bad.com", "is not a valid hostname"],
    ["a..b", "is not a valid hostname"],
    ["127.1", "is not a valid IPv4 address"],
    ["0x7f000001", "is not a valid IPv4 address"],
    ["999.0.0.1", "is not a valid IPv4 address"],
    ["example.com:0", "is not a port"],
    ["example.com:65536", "is not a port"],
    ["example.com:http", "is not a port"],
    ["example.com:", "is not a port"],
    ["10.0.0.0/33", "the prefix length is at most 32"],
    ["fc00::/129", "the prefix length is at most 128"],
    ["10.0.0.0/x", "not a CIDR range"],
    ["example.com/8", "not a CIDR range"],
    ["[10.0.0.1]:80", "is not a valid IPv6 address"],
    ["[::1]80", '"[::1]:8080"'],
    ["fe80::1%eth0", "is not a valid IPv6 address"],
    ["::1:8080:zz", "is not a valid IPv6 address"],
  ])("refuses %j (%s)", (entry, message) => {
    expect(() => parseAllowEntry(entry)).toThrow(message);
  });
});

describe("validateAllowedHosts", () => {
  it("accepts a valid list", () => {
    expect(() =>
      validateAllowedHosts(["api.internal:8443", "10.0.0.0/8", "[::1]:80", "192.168.1.10"]),
    ).not.toThrow();
    expect(() => validateAllowedHosts([])).not.toThrow();
  });

  it("names every bad entry in one INVALID_CONFIG error", () => {
    let error: unknown;
    try {
      validateAllowedHosts(["ok.example", "bad host", 42, "10.0.0.0/40"]);
    } catch (e) {
      error = e;
    }
    expect(isSkiffError(error)).toBe(true);
    if (!isSkiffError(error)) return;
    expect(error.code).toBe("INVALID_CONFIG");
    expect(error.status).toBe(400);
    expect(error.message).toContain('allowedHosts[1] "bad host": an entry has no spaces');
    expect(error.message).toContain("allowedHosts[2]: an entry is a string");
    expect(error.message).toContain('allowedHosts[3] "10.0.0.0/40": the prefix length is at most 32');
    expect(error.message).toContain("an entry is a hostname");
    expect(error.details).toEqual([
      { path: "allowedHosts[1]", message: expect.any(String) },
      { path: "allowedHosts[2]", message: expect.any(String) },
      { path: "allowedHosts[3]", message: expect.any(String) },
    ]);
  });

  it("refuses something that is not a list", () => {
    expect(() => validateAllowedHosts("10.0.0.1")).toThrow("allowedHosts must be a list of strings");
  });
});

describe("allowEntryMatches", () => {
  const [host, hostPort, ip, ipPort, v6Port, cidr, cidr6] = parseAllowList(
    [
      "api.internal",
      "api.internal:8443",
      "10.1.2.3",
      "10.1.2.3:8080",
      "[::1]:8080",
      "10.0.0.0/8",
      "fc00::/7",
    ],
    "test",
  );

  it("matches hostnames by name, with or without a port", () => {
    expect(host && allowEntryMatches(host, to("api.internal", "10.9.9.9", 80))).toBe(true);
    expect(host && allowEntryMatches(host, to("other.internal", "10.9.9.9", 80))).toBe(false);
    expect(hostPort && allowEntryMatches(hostPort, to("api.internal", "10.9.9.9", 8443))).toBe(true);
    expect(hostPort && allowEntryMatches(hostPort, to("api.internal", "10.9.9.9", 443))).toBe(false);
  });

  it("matches IPs, including their IPv4-mapped form, with or without a port", () => {
    expect(ip && allowEntryMatches(ip, to("10.1.2.3", "10.1.2.3", 1))).toBe(true);
    expect(ip && allowEntryMatches(ip, to("::ffff:a01:203", "::ffff:a01:203", 1))).toBe(true);
    expect(ip && allowEntryMatches(ip, to("10.1.2.4", "10.1.2.4", 1))).toBe(false);
    expect(ipPort && allowEntryMatches(ipPort, to("x", "10.1.2.3", 8080))).toBe(true);
    expect(ipPort && allowEntryMatches(ipPort, to("x", "10.1.2.3", 8081))).toBe(false);
    expect(v6Port && allowEntryMatches(v6Port, to("::1", "::1", 8080))).toBe(true);
    expect(v6Port && allowEntryMatches(v6Port, to("::1", "0:0::1", 8081))).toBe(false);
  });

  it("matches CIDR ranges of the same family, IPv4 ranges also in mapped form", () => {
    expect(cidr && allowEntryMatches(cidr, to("x", "10.200.0.1", 1))).toBe(true);
    expect(cidr && allowEntryMatches(cidr, to("x", "::ffff:10.200.0.1", 1))).toBe(true);
    expect(cidr && allowEntryMatches(cidr, to("x", "11.0.0.1", 1))).toBe(false);
    expect(cidr && allowEntryMatches(cidr, to("x", "fd00::1", 1))).toBe(false);
    expect(cidr6 && allowEntryMatches(cidr6, to("x", "fd00::1", 1))).toBe(true);
    expect(cidr6 && allowEntryMatches(cidr6, to("x", "10.0.0.1", 1))).toBe(false);
  });

  it("never lets a hostname entry match an address spelled like the name", () => {
    expect(host && allowEntryMatches(host, to("10.9.9.9", "10.9.9.9", 80))).toBe(false);
  });
});
