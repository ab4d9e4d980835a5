import { IncomingMessage } from "node:http";
import { Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { nodeHttpEvent, toHttpEvent } from "./http-event.js";

/** A Node request as the HTTP parser hands it over, its body (if any) still to come. */
function incoming(method: string, rawHeaders: string[]): IncomingMessage {
  const message = new IncomingMessage(new Socket());
  message.method = method;
  message.rawHeaders = rawHeaders;
  return message;
}

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

describe("nodeHttpEvent", () => {
  it("gives a GET's event at once, not in a promise", () => {
    const event = nodeHttpEvent(incoming("GET", ["Host", "x", "X-A", "1"]), "http://x/a", 100);
    expect(event).toEqual({
      kind: "http",
      method: "GET",
      url: "http://x/a",
      headers: [
        ["host", "x"],
        ["x-a", "1"],
      ],
      body: null,
    });
  });

  it("gives a POST's event once its body has been read", async () => {
    const request = incoming("POST", ["Host", "x"]);
    const event = nodeHttpEvent(request, "http://x/a", 100);
    expect(event).toBeInstanceOf(Promise);
    request.push("hi");
    request.push(null);
    const { method, body } = await event;
    expect([method, new TextDecoder().decode(body ?? undefined)]).toEqual(["POST", "hi"]);
  });
});
