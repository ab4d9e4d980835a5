import { describe, expect, it } from "vitest";
import { classifyAddress } from "./address-range.js";

describe("classifyAddress", () => {
  it.each([
    ["127.0.0.1", "loopback address"],
    ["127.255.255.254", "loopback address"],
    ["::1", "loopback address"],
    ["0.0.0.0", "unspecified address (0.0.0.0/8 reaches this host)"],
    ["::", "unspecified address (:: reaches this host)"],
    ["169.254.169.254", "link-local address (cloud metadata endpoint)"],
    ["169.254.1.1", "link-local address"],
    ["fe80::1", "link-local address"],
    ["fe80::1%eth0", "link-local address"],
    ["10.0.0.1", "private address"],
    ["172.16.0.1", "private address"],
    ["172.31.255.255", "private address"],
    ["192.168.1.1", "private address"],
    ["fc00::1", "private address (unique local, fc00::/7)"],
    ["fd00:ec2::254", "private address (unique local, fc00::/7) (cloud metadata endpoint)"],
    ["100.64.0.1", "carrier-grade NAT address (100.64.0.0/10)"],
    ["100.100.100.200", "carrier-grade NAT address (100.64.0.0/10) (cloud metadata endpoint)"],
    ["224.0.0.1", "multicast address"],
    ["ff02::1", "multicast address"],
    ["255.255.255.255", "broadcast address"],
    ["240.0.0.1", "reserved address"],
    ["192.0.2.1", "reserved address"],
    ["198.18.0.1", "reserved address"],
    ["2001:db8::1", "reserved address"],
    ["fec0::1", "site-local address"],
    ["::ffff:127.0.0.1", "loopback address, as IPv4-mapped IPv6"],
    ["::ffff:7f00:1", "loopback address, as IPv4-mapped IPv6"],
    ["::ffff:169.254.169.254", "link-local address (cloud metadata endpoint), as IPv4-mapped IPv6"],
    ["::ffff:10.0.0.1", "private address, as IPv4-mapped IPv6"],
    ["::ffff:0:127.0.0.1", "loopback address, as IPv4-translated IPv6"],
    ["64:ff9b::127.0.0.1", "loopback address, as NAT64 IPv6"],
    ["64:ff9b::a9fe:a9fe", "link-local address (cloud metadata endpoint), as NAT64 IPv6"],
    ["64:ff9b:1::1", "local-use NAT64 address (64:ff9b:1::/48)"],
    ["2002:7f00:1::", "loopback address, as 6to4 IPv6"],
    ["2002:c0a8:101::1", "private address, as 6to4 IPv6"],
    ["2001:0::1", "Teredo tunnel address"],
    ["::127.0.0.1", "reserved address (not global unicast)"],
    ["::7f00:1", "reserved address (not global unicast)"],
    ["100::1", "reserved address (not global unicast)"],
    ["127.1", "not a valid IP address"],
    ["0x7f.0.0.1", "not a valid IP address"],
    ["localhost", "not a valid IP address"],
  ])("refuses %s as %s", (address, reason) => {
    expect(classifyAddress(address)).toEqual({ public: false, reason });
  });

  it.each([
    "8.8.8.8",
    "1.1.1.1",
    "93.184.216.34",
    "172.32.0.1",
    "100.128.0.1",
    "2606:4700:4700::1111",
    "::ffff:8.8.8.8",
    "64:ff9b::8.8.8.8",
    "2002:808:808::1",
  ])("treats %s as public", (address) => {
    expect(classifyAddress(address)).toEqual({ public: true });
  });
});
