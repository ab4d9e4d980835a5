import { SkiffError } from "@skiff/core";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { describe, expect, it } from "vitest";
import { createErrorHandler, notFoundHandler } from "./error-handler.js";
import { json } from "./testing/json.js";
import { captureLogger } from "./testing/logger.js";

function app() {
  const captured = captureLogger();
  const hono = new Hono();
  hono.onError(createErrorHandler(captured.logger));
  hono.notFound(notFoundHandler);
  hono.get("/skiff", () => {
    throw new SkiffError("FUNCTION_NOT_FOUND", "no function", { invocationId: "inv-1" });
  });
  hono.get("/config", () => {
    throw new SkiffError("INVALID_CONFIG", "bad config", {
      details: [{ path: "memoryMb", message: "too big" }],
    });
  });
  hono.get("/auth", () => {
    throw new SkiffError("UNAUTHORIZED", "no key");
  });
  hono.get("/crash", () => {
    throw new Error("SQLITE_CORRUPT at /var/lib/skiff/db.sqlite");
  });
  hono.get("/hono", () => {
    throw new HTTPException(413);
  });
  hono.route(
    "/sub",
    new Hono().get("/", () => Promise.reject(new SkiffError("CONFLICT", "taken"))),
  );
  return { hono, ...captured };
}

describe("error rendering", () => {
  it("renders a SkiffError as DESIGN §5 JSON with its status", async () => {
    const res = await app().hono.request("/skiff");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await json(res)).toEqual({
      error: { code: "FUNCTION_NOT_FOUND", message: "no function", invocationId: "inv-1" },
    });
  });

  it("keeps the details of a validation error", async () => {
    const res = await app().hono.request("/config");
    expect(res.status).toBe(400);
    expect((await json(res)).error.details).toEqual([{ path: "memoryMb", message: "too big" }]);
  });

  it("names the auth scheme on 401", async () => {
    const res = await app().hono.request("/auth");
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it("answers anything else with 500 INTERNAL_ERROR, without internals, and logs it", async () => {
    const { hono, lines } = app();
    const res = await hono.request("/crash");
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: "INTERNAL_ERROR", message: "internal error" } });
    expect(text).not.toContain("SQLITE");
    expect(lines.some((l) => l.level === 50 && l.err?.message?.includes("SQLITE_CORRUPT"))).toBe(true);
  });

  it("gives Hono's own HTTP errors our codes", async () => {
    const res = await app().hono.request("/hono");
    expect(res.status).toBe(413);
    expect((await json(res)).error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("renders errors from mounted sub-apps too", async () => {
    const res = await app().hono.request("/sub");
    expect(res.status).toBe(409);
    expect((await json(res)).error.code).toBe("CONFLICT");
  });

  it("answers an unknown route with 404 NOT_FOUND JSON", async () => {
    const res = await app().hono.request("/nowhere", { method: "POST" });
    expect(res.status).toBe(404);
    expect((await json(res)).error).toEqual({ code: "NOT_FOUND", message: "no route for POST /nowhere" });
  });
});
