import { describe, expect, it } from "vitest";
import { endToEndHeaders } from "./response-headers.js";

describe("endToEndHeaders", () => {
  it("drops every hop-by-hop header, in any case", () => {
    const hopByHop = [
      "Connection",
      "Keep-Alive",
      "Proxy-Connection",
      "Transfer-Encoding",
      "Upgrade",
      "TE",
      "Trailer",
      "Content-Length",
    ];
    const kept = endToEndHeaders([...hopByHop.map((name): [string, string] => [name, "x"]), ["ETag", '"1"']]);
    expect(kept).toEqual([["ETag", '"1"']]);
  });

  it("drops the headers the function's Connection header names", () => {
    const kept = endToEndHeaders([
      ["connection", "X-Trace, , x-debug"],
      ["Connection", "x-other"],
      ["x-trace", "1"],
      ["X-Debug", "2"],
      ["x-other", "3"],
      ["x-kept", "4"],
    ]);
    expect(kept).toEqual([["x-kept", "4"]]);
  });

  it("drops platform headers a function tries to set", () => {
    const kept = endToEndHeaders([
      ["X-Skiff-Invocation-Id", "forged"],
      ["x-skiff-webhook-verified", "github"],
      ["x-skiffy", "kept"],
    ]);
    expect(kept).toEqual([["x-skiffy", "kept"]]);
  });

  it("keeps repeated end-to-end headers such as Set-Cookie in order", () => {
    const cookies: Array<[string, string]> = [
      ["set-cookie", "a=1"],
      ["set-cookie", "b=2"],
    ];
    expect(endToEndHeaders(cookies)).toEqual(cookies);
  });
});
