import { describe, expect, it } from "vitest";
import { isSerializedRequestUrl } from "./serialized-url.js";

describe("isSerializedRequestUrl", () => {
  it.each([
    "http://hello.default.localhost:8787/",
    "https://example.com/a/b?x=1&y=%20",
    "http://127.0.0.1/fn?q",
  ])("is true for %s, already in serialized form", (url) => {
    expect(isSerializedRequestUrl(url)).toBe(true);
  });

  it.each([
    ["a host in capitals", "http://Example.com/"],
    ["a dot segment", "http://example.com/a/../b"],
    ["a path without its slash", "http://example.com"],
    ["a default port", "http://example.com:80/"],
    ["a space", "http://example.com/a b"],
    ["credentials", "http://user:pw@example.com/"],
    ["another scheme", "ftp://example.com/"],
    ["an IPv4 address in short form", "http://127.1/"],
    ["not a URL", "not a url"],
  ])("is false for %s: the isolate parses it as before", (_, url) => {
    expect(isSerializedRequestUrl(url)).toBe(false);
  });
});
