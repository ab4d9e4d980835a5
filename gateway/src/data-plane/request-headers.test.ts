import { describe, expect, it } from "vitest";
import { headerListFromRaw } from "./request-headers.js";

/** What the Fetch `Headers` path gives for the same raw headers (the data plane's form without Node). */
function viaHeaders(raw: string[]): Array<[string, string]> {
  const headers = new Headers();
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
  return [...headers].filter(([name]) => !name.startsWith("x-skiff-"));
}

describe("headerListFromRaw", () => {
  it.each([
    ["in order", ["accept", "*/*", "host", "h", "user-agent", "ua"]],
    ["out of order, mixed case", ["Host", "h", "User-Agent", "ua", "Accept", "*/*"]],
    ["repeated names, joined in order", ["X-A", "1", "host", "h", "x-a", "2", "X-a", "3"]],
    ["cookies kept apart", ["set-cookie", "a=1", "Host", "h", "Set-Cookie", "b=2"]],
    ["padded values", ["x-pad", " \tv \t", "host", "h"]],
  ])("gives what Headers gives: %s", (_, raw) => {
    expect(headerListFromRaw(raw)).toEqual(viaHeaders(raw));
  });

  it("drops x-skiff-* headers in any case, and HTTP/2 pseudo-headers", () => {
    expect(
      headerListFromRaw([":authority", "h", "X-Skiff-Webhook-Verified", "stripe", "x-skiffy", "kept"]),
    ).toEqual([["x-skiffy", "kept"]]);
  });
});
