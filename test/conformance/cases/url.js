// URL and URLSearchParams (WHATWG URL standard).
import { deepEqual, equal, ok, throws } from "./assert.js";

export default {
  "URL resolves a relative reference against a base": () => {
    const url = new URL("../c/./d?x=1#f", "https://Example.COM:443/a/b/");
    equal(url.href, "https://example.com/a/c/d?x=1#f");
    equal(url.origin, "https://example.com");
  },
  "URL exposes and updates its components": () => {
    const url = new URL("http://user:pw@host.test:8080/p?q=1#h");
    deepEqual(
      [url.protocol, url.username, url.password, url.hostname, url.port, url.pathname, url.search, url.hash],
      ["http:", "user", "pw", "host.test", "8080", "/p", "?q=1", "#h"],
    );
    url.port = "80";
    url.searchParams.append("r", "a b");
    equal(url.href, "http://user:pw@host.test/p?q=1&r=a+b#h");
  },
  "URL rejects an invalid URL with a TypeError": () => {
    throws(() => new URL("not a url"), "TypeError");
  },
  "URL converts internationalized hosts to punycode": () => {
    equal(new URL("https://münchen.example/").host, "xn--mnchen-3ya.example");
  },
  "URL.canParse tells valid from invalid": () => {
    ok(URL.canParse("https://a.test/"));
    ok(!URL.canParse("/relative"));
  },
  "URL.parse returns null for an invalid URL": () => {
    equal(URL.parse("nope"), null);
    equal(URL.parse("/x", "https://a.test/").href, "https://a.test/x");
  },
  "URLSearchParams parses, sorts and serializes": () => {
    const params = new URLSearchParams("?b=2&a=1&a=%20x&c");
    deepEqual(params.getAll("a"), ["1", " x"]);
    equal(params.get("c"), "");
    params.sort();
    equal(params.toString(), "a=1&a=+x&b=2&c=");
    equal(params.size, 4);
  },
  "URLSearchParams accepts records and pairs": () => {
    equal(new URLSearchParams({ x: "1", y: "é" }).toString(), "x=1&y=%C3%A9");
    deepEqual([...new URLSearchParams([["k", "v"]])], [["k", "v"]]);
  },
};
