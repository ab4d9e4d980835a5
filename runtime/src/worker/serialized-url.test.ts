import { describe, expect, it } from "vitest";
import { isSerializedRequestUrl } from "./serialized-url.js";

/** The definition: Node's parser serializes the URL to itself, an http(s) one without credentials. */
function parsesToItself(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (
      parsed.href === url &&
      (parsed.protocol === "http:" || parsed.protocol === "https:") &&
      parsed.username === "" &&
      parsed.password === ""
    );
  } catch {
    return false;
  }
}

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

  it("answers as the parser does for paths and queries under an origin it already checked", () => {
    const origins = [
      "http://fn.tenant.localhost:8787",
      "https://example.com",
      "http://Example.com",
      "http://example.com:80",
      "http://127.1",
      "http://user@example.com",
      "http://a?b",
      "http://[::1]:3000",
      "http://xn--bcher-kva.example",
      "http://bücher.example",
    ];
    const rests = [
      "/",
      "/a/b?x=1&y=%20",
      "/./a",
      "/a/..",
      "/a/.%2E/b",
      "/%2e/b",
      "/a/.hidden/..x",
      "/a?./..",
      "/a b",
      "/a\tb",
      "/a\\b",
      "/a#frag",
      "/a?q='x'",
      "/a'b",
      "/a|b^c`d{e}",
      '/a"b',
      "/a<b>",
      "/é",
      "/%zz%",
      "//double//slash",
      "/a?b?c/d",
      "/a:b@c;d=e,f+g$h!i*j(k)l~m",
    ];
    for (const origin of origins) {
      for (const rest of rests) {
        const url = origin + rest;
        // Twice: the first call may fill the cache of origins, the second uses it.
        expect([isSerializedRequestUrl(url), isSerializedRequestUrl(url)], url).toEqual([
          parsesToItself(url),
          parsesToItself(url),
        ]);
      }
    }
  });
});
