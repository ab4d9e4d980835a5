import { describe, expect, it } from "vitest";
import { resolveMount } from "./mount.js";

const resolve = (url: string, host?: string, baseDomain = "localhost") =>
  resolveMount(new URL(url), host, baseDomain);

describe("resolveMount", () => {
  it.each([
    ["http://127.0.0.1:8787/fn/default/hello", { tenant: "default", functionName: "hello", path: "/" }],
    ["http://x/fn/default/hello/", { tenant: "default", functionName: "hello", path: "/" }],
    ["http://x/fn/default/hello/a/b?x=1", { tenant: "default", functionName: "hello", path: "/a/b?x=1" }],
    ["http://x/fn/default/hello?x=1&y", { tenant: "default", functionName: "hello", path: "/?x=1&y" }],
    ["http://x/fn/t/f/a%20b/c%2Fd", { tenant: "t", functionName: "f", path: "/a%20b/c%2Fd" }],
    ["http://x/fn/t/f//double", { tenant: "t", functionName: "f", path: "//double" }],
  ])("mounts %s below /fn/{tenant}/{function}", (url, mount) => {
    expect(resolve(url)).toEqual(mount);
  });

  it("leaves a missing segment empty, so that no function matches", () => {
    expect(resolve("http://x/fn/default")).toEqual({ tenant: "default", functionName: "", path: "/" });
    expect(resolve("http://x/fn/")).toEqual({ tenant: "", functionName: "", path: "/" });
  });

  it.each(["http://x/", "http://x/api/v1/tenants", "http://x/fn", "http://x/fnx/a/b", "http://x/healthz"])(
    "does not mount %s",
    (url) => {
      expect(resolve(url)).toBeUndefined();
    },
  );

  it("mounts {function}.{tenant}.{baseDomain} at the root for any path, port ignored", () => {
    expect(resolve("http://hello.default.localhost:8787/a?b=1", "hello.default.localhost:8787")).toEqual({
      tenant: "default",
      functionName: "hello",
      path: "/a?b=1",
    });
    expect(resolve("http://x/api/v1/tenants", "Hello.Default.LOCALHOST.")).toEqual({
      tenant: "default",
      functionName: "hello",
      path: "/api/v1/tenants",
    });
  });

  it("prefers the host over a /fn/ path", () => {
    expect(resolve("http://x/fn/a/b/c", "f.t.localhost")).toEqual({
      tenant: "t",
      functionName: "f",
      path: "/fn/a/b/c",
    });
  });

  it("uses the URL's host when the request has no Host header", () => {
    expect(resolve("http://f.t.localhost/z")).toEqual({ tenant: "t", functionName: "f", path: "/z" });
  });

  it("honours a multi-label base domain", () => {
    const mount = resolve("http://x/", "api.acme.fn.example.com", "fn.example.com");
    expect(mount).toEqual({ tenant: "acme", functionName: "api", path: "/" });
    expect(resolve("http://x/", "api.acme.localhost", "fn.example.com")).toBeUndefined();
  });

  it.each([
    "localhost",
    "localhost:8787",
    "default.localhost",
    "a.b.c.localhost",
    "[::1]:8787",
    "127.0.0.1",
    "xlocalhost",
  ])("does not mount host %s", (host) => {
    expect(resolve("http://x/", host)).toBeUndefined();
  });
});
