import { describe, expect, it } from "vitest";
import { EgressError } from "./egress-error.js";
import { parseFetchUrl, parsePlainFetchRequest } from "./plain-request.js";

const limits = { maxRequestBytes: 16 };
const base = {
  url: "https://example.com/a?b=1#frag",
  method: "get",
  headers: [],
  body: null,
  redirect: "follow",
};

function fails(value: unknown): EgressError {
  try {
    parsePlainFetchRequest(value, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(EgressError);
    expect((error as EgressError).code).toBe("INVALID_FETCH");
    return error as EgressError;
  }
  throw new Error("expected the request to be refused");
}

describe("parsePlainFetchRequest", () => {
  it("returns a fresh, normalized copy", () => {
    const body = new Uint8Array([1, 2, 3]);
    const parsed = parsePlainFetchRequest(
      {
        ...base,
        method: "post",
        headers: [
          ["X-Custom", "  padded\t"],
          ["Connection", "close, x-drop-me"],
          ["x-drop-me", "1"],
          ["Host", "evil.example"],
          ["content-length", "999"],
          ["transfer-encoding", "chunked"],
          ["keep-alive", "5"],
          ["upgrade", "websocket"],
          ["te", "trailers"],
          ["proxy-authorization", "Basic x"],
          ["accept", "text/plain"],
          ["accept", "application/json"],
        ],
        body,
      },
      limits,
    );
    expect(parsed).toEqual({
      url: "https://example.com/a?b=1",
      method: "POST",
      headers: [
        ["x-custom", "padded"],
        ["accept", "text/plain"],
        ["accept", "application/json"],
      ],
      body,
      redirect: "follow",
    });
  });

  it("keeps methods it does not normalize as they were written", () => {
    expect(parsePlainFetchRequest({ ...base, method: "patch" }, limits).method).toBe("patch");
    expect(parsePlainFetchRequest({ ...base, method: "PROPFIND" }, limits).method).toBe("PROPFIND");
  });

  it.each([
    [null, "the request must be an object"],
    [[], "the request must be an object"],
    [{ ...base, url: 42 }, "the URL must be a string"],
    [{ ...base, url: "not a url" }, "is not a valid URL"],
    [{ ...base, url: "ftp://example.com/" }, "only http: and https: URLs can be fetched, not ftp:"],
    [{ ...base, url: "file:///etc/passwd" }, "not file:"],
    [{ ...base, url: "https://user:pw@example.com/" }, "the URL contains credentials"],
    [{ ...base, url: `https://example.com/${"a".repeat(17_000)}` }, "the URL is longer than"],
    [{ ...base, method: "GE T" }, "is not a valid HTTP method"],
    [{ ...base, method: "" }, "is not a valid HTTP method"],
    [{ ...base, method: "connect" }, "the CONNECT method is not allowed"],
    [{ ...base, method: "TRACE" }, "the TRACE method is not allowed"],
    [{ ...base, headers: {} }, "headers must be a list"],
    [{ ...base, headers: [["a"]] }, "headers must be a list"],
    [{ ...base, headers: [["bad name", "x"]] }, "is not a valid header name"],
    [{ ...base, headers: [["x", "a\r\nInjected: 1"]] }, 'the value of header "x" is invalid'],
    [{ ...base, headers: [["x", "\0"]] }, 'the value of header "x" is invalid'],
    [{ ...base, headers: [["x", "é€"]] }, 'the value of header "x" is invalid'],
    [{ ...base, headers: [["x", 1]] }, 'the value of header "x" is invalid'],
    [{ ...base, headers: Array.from({ length: 257 }, () => ["x", "y"]) }, "more than 256 request headers"],
    [{ ...base, headers: [["x", "y".repeat(140_000)]] }, "request headers larger than"],
    [{ ...base, method: "POST", body: "text" }, "the body must be bytes"],
    [{ ...base, method: "POST", body: new Uint8Array(17) }, "the request body is larger than 16 bytes"],
    [{ ...base, body: new Uint8Array(1) }, "a GET request cannot have a body"],
    [{ ...base, redirect: "follows" }, 'redirect must be "follow", "manual" or "error"'],
    [{ ...base, redirect: undefined }, 'redirect must be "follow", "manual" or "error"'],
  ])("refuses %#: %s", (value, message) => {
    expect(fails(value).message).toContain(message);
  });

  it("reads only own properties, never inherited ones", () => {
    const inherited = Object.create({ redirect: "follow" }) as Record<string, unknown>;
    Object.assign(inherited, { url: base.url, method: "GET", headers: [], body: null });
    expect(fails(inherited).message).toContain("redirect must be");
  });
});

describe("parseFetchUrl", () => {
  it("normalizes hosts the way the URL standard does", () => {
    expect(parseFetchUrl("http://0x7f.1:8080/x").host).toBe("127.0.0.1:8080");
    expect(parseFetchUrl("http://2130706433/").hostname).toBe("127.0.0.1");
    expect(parseFetchUrl("http://[::ffff:127.0.0.1]/").hostname).toBe("[::ffff:7f00:1]");
  });
});
