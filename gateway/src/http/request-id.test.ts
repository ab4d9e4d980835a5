import { Hono } from "hono";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { acceptedRequestId, REQUEST_ID_HEADER, requestId } from "./request-id.js";

/** A pino logger writing JSON lines into `lines`. */
function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { lines, logger };
}

function app(logger = pino({ enabled: false }), ids = ["generated-1", "generated-2"]) {
  const hono = new Hono();
  hono.use("*", requestId({ logger, newRequestId: () => ids.shift() ?? "none" }));
  hono.get("/ok", (c) => c.text(`seen ${c.get("requestId")}`));
  hono.get("/boom", () => {
    throw new Error("boom");
  });
  hono.get("/fetched", () => Response.redirect("http://example.test/", 302));
  return hono;
}

describe("requestId", () => {
  it("keeps a valid client id, replaces an invalid one, and echoes the id in the response", async () => {
    const hono = app();
    const kept = await hono.request("/ok", { headers: { [REQUEST_ID_HEADER]: "trace-abc.123" } });
    expect(kept.headers.get(REQUEST_ID_HEADER)).toBe("trace-abc.123");
    expect(await kept.text()).toBe("seen trace-abc.123");
    const replaced = await hono.request("/ok", { headers: { [REQUEST_ID_HEADER]: "has space" } });
    expect(replaced.headers.get(REQUEST_ID_HEADER)).toBe("generated-1");
    const none = await hono.request("/ok");
    expect(none.headers.get(REQUEST_ID_HEADER)).toBe("generated-2");
  });

  it("sets the header on error responses and on responses with immutable headers", async () => {
    const hono = app();
    const failed = await hono.request("/boom", { headers: { [REQUEST_ID_HEADER]: "r1" } });
    expect(failed.status).toBe(500);
    expect(failed.headers.get(REQUEST_ID_HEADER)).toBe("r1");
    const redirect = await hono.request("/fetched", { headers: { [REQUEST_ID_HEADER]: "r2" } });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get(REQUEST_ID_HEADER)).toBe("r2");
  });

  it("logs each answered request as JSON with its id, method, path and status", async () => {
    const { lines, logger } = capture();
    await app(logger).request("/ok?secret=1", { headers: { [REQUEST_ID_HEADER]: "r-9" } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      requestId: "r-9",
      method: "GET",
      path: "/ok",
      status: 200,
      msg: "request answered",
    });
    expect(typeof lines[0]?.ms).toBe("number");
  });

  it("accepts only visible tokens of at most 128 characters", () => {
    expect(acceptedRequestId("a".repeat(128))).toBe("a".repeat(128));
    expect(acceptedRequestId("a".repeat(129))).toBeUndefined();
    expect(acceptedRequestId("")).toBeUndefined();
    expect(acceptedRequestId("x\ny")).toBeUndefined();
    expect(acceptedRequestId("<script>")).toBeUndefined();
    expect(acceptedRequestId(undefined)).toBeUndefined();
  });
});
