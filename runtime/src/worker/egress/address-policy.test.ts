import { isSkiffError } from "@skiff/core";
import { describe, expect, it } from "vitest";
import { AddressPolicy } from "./address-policy.js";
import { parseAllowList } from "./allow-list.js";

const to = (address: string, port: number, hostname = address) => ({ hostname, address, port });
const fn = (...entries: string[]) => parseAllowList(entries, "allowedHosts");
const HINT = "allow it with allowedHosts or the operator allow-list";

describe("AddressPolicy", () => {
  it("allows public addresses and refuses the rest with the reason and how to allow it", () => {
    const policy = new AddressPolicy({ allow: [], platformAddresses: [], localAddresses: [] });
    expect(policy.check(to("93.184.216.34", 443, "example.com"), [])).toEqual({ allowed: true });
    expect(policy.check(to("127.0.0.1", 8080), [])).toEqual({
      allowed: false,
      reason: "loopback address",
      hint: HINT,
    });
    expect(policy.check(to("::ffff:127.0.0.1", 80), [])).toEqual({
      allowed: false,
      reason: "loopback address, as IPv4-mapped IPv6",
      hint: HINT,
    });
    expect(policy.check(to("169.254.169.254", 80), [])).toMatchObject({
      allowed: false,
      reason: "link-local address (cloud metadata endpoint)",
    });
  });

  it("lets a function's allowedHosts open nothing the operator has not made openable", () => {
    const policy = new AddressPolicy({ allow: [], platformAddresses: [], localAddresses: [] });
    expect(policy.check(to("127.0.0.1", 80), fn("127.0.0.1"))).toMatchObject({
      allowed: false,
      hint: "the function's allowedHosts lists it, but the operator does not let functions open this address",
    });
    expect(policy.check(to("10.0.0.1", 80), fn("10.0.0.0/8"))).toMatchObject({ allowed: false });
  });

  it("lets the operator list and the function's allowedHosts open refused addresses", () => {
    const policy = new AddressPolicy({
      allow: ["10.0.0.0/8"],
      functionAllowable: ["192.168.0.0/16", "127.0.0.1"],
      platformAddresses: [],
      localAddresses: [],
    });
    expect(policy.check(to("10.1.2.3", 80), [])).toEqual({ allowed: true });
    expect(policy.check(to("192.168.1.1", 80), [])).toMatchObject({ allowed: false });
    expect(policy.check(to("192.168.1.1", 80), fn("192.168.1.1:80"))).toEqual({ allowed: true });
    expect(policy.check(to("192.168.1.1", 81), fn("192.168.1.1:80"))).toMatchObject({ allowed: false });
    expect(policy.check(to("127.0.0.1", 80, "svc.internal"), fn("svc.internal"))).toEqual({ allowed: true });
  });

  describe("the platform's own address", () => {
    const platformAddresses = ["127.0.0.1:8787"];

    it("is refused even when loopback is allowed broadly, by the operator or the function", () => {
      const policy = new AddressPolicy({
        allow: ["127.0.0.0/8", "127.0.0.1"],
        platformAddresses,
        localAddresses: [],
      });
      const refused = {
        allowed: false,
        reason: "the platform's own address",
        hint: 'only the exact entry "127.0.0.1:8787" in the operator allow-list allows it',
      };
      expect(policy.check(to("127.0.0.1", 8787), [])).toEqual(refused);
      expect(policy.check(to("::ffff:127.0.0.1", 8787), [])).toEqual(refused);
      expect(policy.check(to("127.0.0.1", 8787, "localhost"), fn("localhost", "127.0.0.1:8787"))).toEqual(
        refused,
      );
      // Other ports of the same address follow the ordinary rules.
      expect(policy.check(to("127.0.0.1", 8788), [])).toEqual({ allowed: true });
    });

    it("is reached through the unspecified address, which connects to this host", () => {
      const policy = new AddressPolicy({ allow: ["0.0.0.0/8"], platformAddresses, localAddresses: [] });
      expect(policy.check(to("0.0.0.0", 8787), [])).toMatchObject({ reason: "the platform's own address" });
    });

    it("is allowed only by an exact IP:port entry in the operator list", () => {
      const policy = new AddressPolicy({ allow: ["127.0.0.1:8787"], platformAddresses, localAddresses: [] });
      expect(policy.check(to("127.0.0.1", 8787), [])).toEqual({ allowed: true });
    });

    it("covers loopback, the unspecified address and local interfaces for a wildcard listener", () => {
      const policy = new AddressPolicy({
        allow: ["0.0.0.0/0", "::/0"],
        platformAddresses: ["0.0.0.0:8787"],
        localAddresses: ["10.0.0.5", "fe80::1%eth0"],
      });
      for (const address of ["127.0.0.1", "127.0.0.2", "::1", "0.0.0.0", "10.0.0.5", "fe80::1"]) {
        expect(policy.check(to(address, 8787), [])).toMatchObject({ reason: "the platform's own address" });
      }
      expect(policy.check(to("10.0.0.6", 8787), [])).toEqual({ allowed: true });
      expect(policy.check(to("10.0.0.5", 80), [])).toEqual({ allowed: true });
    });

    it("names an IPv6 platform address in brackets", () => {
      const policy = new AddressPolicy({
        allow: ["::1"],
        platformAddresses: ["[::1]:8787"],
        localAddresses: [],
      });
      expect(policy.check(to("::1", 8787), [])).toMatchObject({
        hint: 'only the exact entry "[::1]:8787" in the operator allow-list allows it',
      });
    });
  });

  it("rejects a bad operator configuration with INVALID_CONFIG", () => {
    const build = (allow: string[], platformAddresses: string[]) => () =>
      new AddressPolicy({ allow, platformAddresses, localAddresses: [] });
    for (const bad of [build(["10.0.0.0/99"], []), build([], ["127.0.0.1"]), build([], ["localhost:8787"])]) {
      let error: unknown;
      try {
        bad();
      } catch (e) {
        error = e;
      }
      expect(isSkiffError(error) && error.code).toBe("INVALID_CONFIG");
    }
    expect(build([], ["127.0.0.1"])).toThrow('platformAddresses: "127.0.0.1" must be an IP and a port');
  });
});
