import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { DataPlaneTargets } from "./data-plane-target.js";
import { resolveMount } from "./mount.js";

const incoming = (url: string, host: string | undefined) =>
  ({ url, headers: host === undefined ? {} : { host }, socket: {} }) as unknown as IncomingMessage;

/** What the Hono path sees: @hono/node-server's parsed URL (after its Host check), and the mount from it. */
function parsed(target: string, host: string) {
  const url = new URL(`http://${host}${target}`);
  if (url.hostname.length !== host.length && url.hostname !== host.replace(/:\d+$/, "")) return undefined;
  const mount = resolveMount(url, host, "localhost");
  return mount === undefined ? undefined : { origin: url.origin, href: url.href, mount };
}

describe("DataPlaneTargets", () => {
  const targets = [
    "/fn/default/hello",
    "/fn/default/hello/",
    "/fn/default/hello?",
    "/fn/default/hello/a/b?x=1&y=%20z&q=/?",
    "/fn/default/hello/a/./b",
    "/fn/default/hello/a/../b",
    "/fn/default/%2e%2e/hello",
    "/fn/default/hello/a b",
    "/fn/default/hello?x='quoted'",
    "/fn/default/hello#fragment",
    "/fn/default/hello/.well-known/x",
    "/fn/default//hello",
    "/fn/default/hello/ünï",
    "/fn/default/hello/a|b^c",
    "/other/path?x=1",
    "/",
  ];
  const hosts = [
    "x",
    "X",
    "x:80",
    "x:8080",
    "hello.default.localhost",
    "HELLO.default.localhost:9",
    "Hello.Default.Localhost",
    "[::1]:8080",
  ];

  it("resolves every target exactly as parsing the URL does", () => {
    const decide = new DataPlaneTargets("localhost", 8192);
    for (const host of hosts) {
      for (const target of targets) {
        expect(decide.of(incoming(target, host)), `${host} ${target}`).toEqual(parsed(target, host));
      }
    }
  });

  it("leaves to Hono what @hono/node-server refuses or rewrites: bad hosts, backslashes, absolute targets", () => {
    const decide = new DataPlaneTargets("localhost", 8192);
    expect(decide.of(incoming("/fn/default/hello", undefined))).toBeUndefined();
    expect(decide.of(incoming("/fn/default/hello", "X:80"))).toBeUndefined();
    expect(decide.of(incoming("/fn/default/hello", "x/y"))).toBeUndefined();
    expect(decide.of(incoming("/fn/default/hello", "a@x"))).toBeUndefined();
    expect(decide.of(incoming("/fn/default\\hello", "x"))).toBeUndefined();
    expect(decide.of(incoming("http://x/fn/default/hello", "x"))).toBeUndefined();
    expect(decide.of(incoming("*", "x"))).toBeUndefined();
  });

  it("leaves a target longer than the URL limit to Hono, which answers 414", () => {
    const decide = new DataPlaneTargets("localhost", 30);
    expect(decide.of(incoming("/fn/default/hello?x=1", "x"))).toBeDefined();
    expect(decide.of(incoming(`/fn/default/hello?x=${"a".repeat(20)}`, "x"))).toBeUndefined();
    expect(decide.of(incoming(`/fn/default/hello/a b?${"a".repeat(10)}`, "x"))).toBeUndefined();
  });
});
