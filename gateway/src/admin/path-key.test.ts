import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createErrorHandler } from "../error-handler.js";
import { captureLogger } from "../testing/logger.js";
import { wildcardKey } from "./path-key.js";

function app(): Hono {
  const inner = new Hono();
  inner.get("/:bucket/objects/*", (c) => c.json({ bucket: c.req.param("bucket"), key: wildcardKey(c) }));
  const outer = new Hono();
  outer.onError(createErrorHandler(captureLogger().logger));
  outer.route("/api/v1/tenants/:tenant/buckets", inner);
  return outer;
}

async function keyOf(rawKey: string): Promise<unknown> {
  const response = await app().request(`/api/v1/tenants/t/buckets/b/objects/${rawKey}`);
  return (await response.json()) as unknown;
}

describe("wildcardKey", () => {
  it.each([
    ["plain.txt", "plain.txt"],
    ["a/b/c.txt", "a/b/c.txt"],
    ["a%2Fb", "a/b"],
    ["..%2F..%2Fetc%2Fpasswd", "../../etc/passwd"],
    ["a%00b", "a\u0000b"],
    ["with%20space%20", "with space "],
    ["%25%2520", "%%20"],
    ["%E2%9C%93%20%F0%9F%98%80", "✓ 😀"],
    ["q%3Fx%23y", "q?x#y"],
    ["a+b", "a+b"],
    ["a//b/", "a//b/"],
    ["objects/again", "objects/again"],
  ])("reads %s as %j", async (raw, key) => {
    expect(await keyOf(raw)).toEqual({ bucket: "b", key });
  });

  it("leaves the query string out", async () => {
    expect(await keyOf("k%3Fz?x=1")).toEqual({ bucket: "b", key: "k?z" });
  });

  it.each(["%ZZ", "%FF", "%E2%9C", "100%"])("refuses the malformed escape in %s with 400", async (raw) => {
    const response = await app().request(`/api/v1/tenants/t/buckets/b/objects/${raw}`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("INVALID_REQUEST");
  });
});
