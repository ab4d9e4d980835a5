import type { HeaderList } from "@skiff/core";
import { describe, expect, it } from "vitest";
import { assertSendable, UnsendableResponse } from "./sendable-head.js";

const head = (status: number, headers: HeaderList = [], statusText = "") => ({ status, statusText, headers });

describe("assertSendable", () => {
  it("accepts statuses 200 to 599 with token names and field-text values", () => {
    for (const status of [200, 204, 304, 418, 599]) expect(() => assertSendable(head(status))).not.toThrow();
    expect(() =>
      assertSendable(
        head(200, [
          ["content-type", "text/plain; charset=utf-8"],
          ["X-Odd_Name!#$%&'*+-.^`|~", "tab\tand obs-text \xe9"],
          ["empty", ""],
        ]),
      ),
    ).not.toThrow();
  });

  it.each([
    ["a 1xx status (no upgrades)", head(101)],
    ["a status below 100", head(42)],
    ["a status above 599", head(600)],
    ["a fractional status", head(200.5)],
    ["a header name with a space", head(200, [["bad name", "x"]])],
    ["an empty header name", head(200, [["", "x"]])],
    ["a header name with a colon", head(200, [["x:y", "x"]])],
    ["CRLF in a header value", head(200, [["x", "a\r\nSet-Cookie: evil=1"]])],
    ["a bare LF in a header value", head(200, [["x", "a\nb"]])],
    ["NUL in a header value", head(200, [["x", "a\0b"]])],
    ["another control in a header value", head(200, [["x", "a\x01b"]])],
    ["a character above U+00FF in a header value", head(200, [["x", "€"]])],
    ["CRLF in the status text", head(200, [], "OK\r\nX-Injected: 1")],
  ])("refuses %s", (_, invalid) => {
    expect(() => assertSendable(invalid)).toThrow(UnsendableResponse);
  });
});
