import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createErrorHandler } from "../error-handler.js";
import { json } from "../testing/json.js";
import { captureLogger } from "../testing/logger.js";
import { requestTargetBytes, urlLimit } from "./url-limit.js";

function app(maxBytes: number) {
  const hono = new Hono();
  hono.onError(createErrorHandler(captureLogger().logger));
  hono.use("*", urlLimit(maxBytes));
  let reached = 0;
  hono.all("*", (c) => {
    reached++;
    return c.text("routed");
  });
  return { hono, reached: () => reached };
}

describe("urlLimit", () => {
  it("passes a target at the limit and refuses one byte more with 414 URI_TOO_LONG", async () => {
    const { hono, reached } = app(16);
    const atLimit = `/${"a".repeat(11)}?q=1`; // 16 bytes
    expect((await hono.request(`http://h${atLimit}`)).status).toBe(200);
    const over = await hono.request(`http://h${atLimit}2`);
    expect(over.status).toBe(414);
    expect((await json(over)).error).toMatchObject({ code: "URI_TOO_LONG" });
    expect(reached()).toBe(1);
  });

  it("counts the query too, and percent-encoded bytes as sent", async () => {
    const { hono } = app(13);
    expect((await hono.request("http://h/?q=123456789")).status).toBe(200);
    expect((await hono.request("http://h/?q=1234567890")).status).toBe(414);
    expect((await hono.request("http://h/%C3%A9%C3%A9")).status).toBe(200);
    expect((await hono.request("http://h/%C3%A9%C3%A9%C3")).status).toBe(414);
  });
});

describe("requestTargetBytes", () => {
  it.each([
    ["http://h/", 1],
    ["http://h:8787/a/b?x=1", 8],
    ["https://fn.tenant.example.com/", 1],
    ["http://h", 0],
  ])("%s → %i", (url, bytes) => {
    expect(requestTargetBytes(url)).toBe(bytes);
  });
});
