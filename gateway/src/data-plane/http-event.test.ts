import { describe, expect, it } from "vitest";
import { toHttpEvent } from "./http-event.js";

describe("toHttpEvent", () => {
  it("carries method, the function's URL, lowercase header pairs and body bytes", async () => {
    const request = new Request("http://x/fn/t/f/a", {
      method: "POST",
      headers: { "X-Custom": "1", "Content-Type": "text/plain" },
      body: "hi",
    });
    const event = await toHttpEvent(request, "http://x/a", 100);
    expect(event).toEqual({
      kind: "http",
      method: "POST",
      url: "http://x/a",
      headers: [
        ["content-type", "text/plain"],
        ["x-custom", "1"],
      ],
      body: new TextEncoder().encode("hi"),
    });
  });

  it("drops x-skiff-* headers, which only the platform may send to a function", async () => {
    const request = new Request("http://x/", {
      headers: { "X-Skiff-Webhook-Verified": "stripe", "x-skiff-event-id": "e", "x-skiffy": "kept" },
    });
    const event = await toHttpEvent(request, "http://x/", 100);
    expect(event.headers).toEqual([["x-skiffy", "kept"]]);
  });

  it("gives GET and HEAD a null body", async () => {
    for (const method of ["GET", "HEAD"]) {
      const event = await toHttpEvent(new Request("http://x/", { method }), "http://x/", 100);
      expect(event.body).toBeNull();
    }
  });

  it("gives other methods bytes, empty when nothing was sent", async () => {
    const event = await toHttpEvent(new Request("http://x/", { method: "DELETE" }), "http://x/", 100);
    expect(event.body).toEqual(new Uint8Array(0));
  });

  it("refuses a body over the limit", async () => {
    const request = new Request("http://x/", { method: "PUT", body: "x".repeat(101) });
    await expect(toHttpEvent(request, "http://x/", 100)).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
  });
});
