import { describe, expect, it } from "vitest";
import type { PlainFetchRequest } from "../../fetch-types.js";
import { isRedirectStatus, redirectRequest } from "./redirect.js";

const body = new Uint8Array([1]);
const post: PlainFetchRequest = {
  url: "https://a.example/form",
  method: "POST",
  headers: [
    ["content-type", "text/plain"],
    ["authorization", "Bearer t"],
    ["cookie", "s=1"],
    ["x-keep", "1"],
  ],
  body,
  redirect: "follow",
};

describe("redirectRequest", () => {
  it("knows the redirect statuses", () => {
    expect([300, 301, 302, 303, 304, 307, 308].map(isRedirectStatus)).toEqual([
      false,
      true,
      true,
      true,
      false,
      true,
      true,
    ]);
  });

  it("turns a POST into a body-less GET on 301, 302 and 303", () => {
    for (const status of [301, 302, 303]) {
      const next = redirectRequest(post, status, "/done");
      expect(next).toEqual({
        url: "https://a.example/done",
        method: "GET",
        headers: [
          ["authorization", "Bearer t"],
          ["cookie", "s=1"],
          ["x-keep", "1"],
        ],
        body: null,
        redirect: "follow",
      });
    }
  });

  it("keeps method and body on 307 and 308", () => {
    for (const status of [307, 308]) {
      const next = redirectRequest(post, status, "https://a.example/again");
      expect(next.method).toBe("POST");
      expect(next.body).toBe(body);
      expect(next.headers).toEqual(post.headers);
    }
  });

  it("drops credentials when the redirect leaves the origin", () => {
    const next = redirectRequest(post, 307, "https://b.example/x");
    expect(next.headers).toEqual([
      ["content-type", "text/plain"],
      ["x-keep", "1"],
    ]);
    expect(redirectRequest(post, 307, "http://a.example/form").headers.map(([n]) => n)).not.toContain(
      "cookie",
    );
  });

  it("refuses locations that cannot be fetched", () => {
    expect(() => redirectRequest(post, 302, "ftp://a.example/")).toThrow(
      'fetch to https://a.example/form was redirected to "ftp://a.example/": only http: and https: URLs can be fetched',
    );
    expect(() => redirectRequest(post, 302, "http://[bad/")).toThrow("it is not a valid URL");
    expect(() => redirectRequest(post, 302, "https://u:p@a.example/")).toThrow("credentials");
  });
});
